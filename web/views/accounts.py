"""Signing in and out, and choosing the language."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import Unauthorized
from registry.services.accounts import AccountService, TooManySignInAttempts
from web import auth, web
from web.forms import LanguageForm, SignInForm, SignOutForm


@web.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("sign_in.html", form=form)
    if not form.validate():
        return render_template("sign_in.html", form=form), 400
    try:
        user = AccountService(request_session()).sign_in(form.email.data, form.password.data, _address())
    except TooManySignInAttempts:
        return render_template("sign_in.html", form=form, error=_(
            "Too many failed attempts. Wait a quarter of an hour and try again.")), 429
    except Unauthorized:
        return render_template("sign_in.html", form=form, error=_(
            "The e-mail address or password is not right.")), 401
    auth.sign_in(user)
    flash(_("You are signed in as %(name)s.", name=user.name), "success")
    return redirect(auth.safe_next(form.next.data, url_for("web.account")))


@web.post("/sign-out")
def sign_out() -> Response:
    SignOutForm().validate()
    auth.sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("web.home"))


@web.get("/account")
@auth.signed_in
def account() -> str:
    return render_template("account.html", user=auth.current_user())


@web.post("/language")
def choose_language() -> Response:
    form = LanguageForm()
    if form.validate():
        session["lang"] = form.lang.data
    return redirect(auth.safe_next(form.next.data, url_for("web.home")))


def _address() -> str:
    # The peer's address. Behind a load balancer, wrap the app in werkzeug's
    # ProxyFix so that this is the client's and not the balancer's.
    return request.remote_addr or "unknown"
