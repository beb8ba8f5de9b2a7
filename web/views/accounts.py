"""Signing in and out, changing one's password, and choosing the language."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.db import request_session
from registry.errors import RegistryError, Unauthorized
from registry.service_factories import account_service
from registry.services.accounts import TooManySignInAttempts
from web import auth, web
from web.forms import LanguageForm, PasswordForm, SignInForm, SignOutForm


def _too_many() -> str:
    return _("Too many failed attempts. Wait a quarter of an hour and try again.")


@web.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("sign_in.html", form=form)
    if not form.validate():
        return render_template("sign_in.html", form=form), 400
    try:
        user = account_service(current_app, request_session()).sign_in(
            form.email.data or "", form.password.data or "", auth.client_address(), auth.now())
    except TooManySignInAttempts:
        return render_template("sign_in.html", form=form, error=_too_many()), 429
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
    return render_template("account.html", user=auth.current_user(), form=PasswordForm())


@web.post("/account/password")
@auth.signed_in
def change_password() -> Response | tuple[str, int]:
    user = auth.current_user()
    if user is None:  # signed_in let the request in; the session ended since
        return redirect(url_for("web.sign_in"))
    form = PasswordForm()
    if not form.validate():
        return render_template("account.html", user=user, form=form), 400
    try:
        account_service(current_app, request_session()).change_password(
            user, form.current.data or "", form.new.data or "", auth.client_address(), auth.now())
    except TooManySignInAttempts:
        return render_template("account.html", user=user, form=form, error=_too_many()), 429
    except Unauthorized:
        return render_template("account.html", user=user, form=form, error=_(
            "Your current password is not right.")), 401
    except RegistryError:  # the new password is too short or too long
        return render_template("account.html", user=user, form=form, error=_(
            "Choose a new password of 12 to 1024 characters.")), 400
    auth.rotate(user)  # every other browser is signed out; this one gets a new session id
    flash(_("Your password is changed. Other browsers where you were signed in are signed out."), "success")
    return redirect(url_for("web.account"))


@web.post("/language")
def choose_language() -> Response:
    form = LanguageForm()
    if form.validate():
        session["lang"] = form.lang.data
    return redirect(auth.safe_next(form.next.data, url_for("web.home")))
