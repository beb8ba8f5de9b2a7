"""The board of initiatives in the browser: what municipalities plan and build together."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from registry.api.initiatives import initiative_number
from registry.api.models.initiatives import InitiativesQuery, NewInitiative
from registry.db import request_session
from registry.errors import Forbidden, RegistryError
from registry.models import INITIATIVE_PHASES, App, Initiative, Organisation, User
from registry.services.initiative_ballots import Ballots
from registry.services.initiative_matches import Draft, InitiativeMatches
from registry.services.initiative_participation import JOINING_ROLES, Participation
from registry.services.initiative_solutions import Solutions
from registry.services.initiatives import STARTERS, STEERING, BoardQuery, InitiativeService
from registry.services.membership import OrganisationAccess, managed_organisations
from registry.services.vendors import CURATOR
from registry.transactions import savepoint
from registry.validation import parsed
from sdk.manifest import LAYERS
from web import web
from web.auth import current_user, signed_in, signed_in_user
from web.choices import options, organisation_options
from web.initiative_forms import (
    BallotForm,
    CloseBallotForm,
    InitiativeForm,
    JoinForm,
    MergeForm,
    SolutionForm,
    SolutionRemovalForm,
    VoteForm,
)
from web.labels import error_text, labels

PAGE_SIZE = 20


@web.get("/initiatives")
def initiative_board() -> str:
    given = {name: value for name, value in request.args.items() if value}
    asked = parsed(InitiativesQuery, given, context={"page_size_max": PAGE_SIZE})
    items, total = InitiativeService(request_session()).board(BoardQuery(
        q=asked.q, layer=asked.layer, category=asked.category, api=asked.api, phase=asked.phase,
        organisation=asked.organisation, offset=(asked.page - 1) * PAGE_SIZE, limit=PAGE_SIZE))
    return render_template("initiatives.html", items=items, total=total, asked=asked, layers=LAYERS,
                           phases=INITIATIVE_PHASES, page=asked.page, pages=max(1, -(-total // PAGE_SIZE)))


@web.get("/initiatives/<raw>")
def initiative_page(raw: str) -> str:
    number = initiative_number(raw)
    session = request_session()
    initiative = InitiativeService(session).get(number)
    draft = Draft(initiative.title, initiative.problem, tuple(initiative.tagged("category")),
                  tuple(initiative.tagged("provides") + initiative.tagged("uses")), initiative.id)
    alike, apps = InitiativeMatches(session).find(draft)
    user = current_user()
    organisations = managed_organisations(user) if user else []  # read once for the forms below
    managed = [o.id for o in organisations]
    mine = organisation_options(organisations) if user else []
    join_form, vote_form = JoinForm(), VoteForm()
    join_form.organisation.choices = vote_form.organisation.choices = mine
    join_form.role.choices = options((role, labels()["initiative_role"][role]) for role in JOINING_ROLES)
    solutions = Solutions(session)
    solution_form = SolutionForm()
    solution_form.app.choices = options((a.slug, a.name) for a in solutions.offerable(managed)) if user else []
    shown = solutions.of(initiative)
    removable = solutions.removable(initiative, shown, managed)
    return render_template("initiative.html", initiative=initiative, ballots=Ballots(session).of(number),
                           alike=alike, apps=apps, join_form=join_form, vote_form=vote_form, signed_in=bool(user),
                           solutions=shown, solution_form=solution_form, removable=removable,
                           removal_form=SolutionRemovalForm(), **_steering_forms(user, initiative))


@web.route("/initiatives/new", methods=["GET", "POST"])
@signed_in
def new_initiative() -> str | Response | tuple[str, int]:
    """Start an initiative; before it is saved, the initiatives and apps it looks like are shown."""
    user = signed_in_user()
    form = InitiativeForm()
    form.organisation.choices = organisation_options(o for o in managed_organisations(user) if o.kind in STARTERS)
    if not form.organisation.choices:
        return render_template("initiative_form.html", form=None), 403
    if not form.validate_on_submit():
        return render_template("initiative_form.html", form=form), 400 if form.is_submitted() else 200
    session = request_session()
    body = form.api_body()
    alike, apps = InitiativeMatches(session).find(Draft(body["title"], body["problem"], tuple(body["categories"]),
                                                        tuple(body["provides"] + body["uses"])))
    if (alike or apps) and form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template("initiative_form.html", form=form, alike=alike, apps=apps)
    caller = OrganisationAccess(session, user).caller(form.organisation.data)
    try:
        initiative = InitiativeService(session).create(parsed(NewInitiative, body).values(), caller)
    except RegistryError as error:
        return render_template("initiative_form.html", form=form, error=error_text(error)), error.status
    flash(_("The initiative is on the board."), "success")
    return redirect(url_for("web.initiative_page", raw=initiative.id))


@web.post("/initiatives/<raw>/join")
@signed_in
def join_initiative(raw: str) -> Response:
    number = initiative_number(raw)
    form = JoinForm()
    form.organisation.choices = organisation_options(managed_organisations(signed_in_user()))
    form.role.choices = options((role, role) for role in JOINING_ROLES)
    if form.validate():
        caller = OrganisationAccess(request_session(), signed_in_user()).caller(form.organisation.data)
        act(lambda: Participation(request_session()).join(number, caller.organisation, form.role.data, caller),
            _("You take part in this initiative."))
    else:
        flash(_("Choose an organisation and a role."), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="join"))


@web.post("/initiatives/<raw>/ballots/<int:ballot_id>/vote")
@signed_in
def vote(raw: str, ballot_id: int) -> Response:
    number = initiative_number(raw)
    ballots = Ballots(request_session())
    ballot = ballots.get(number, initiative_number(str(ballot_id), "ballot"))
    form = VoteForm()
    form.organisation.choices = organisation_options(managed_organisations(signed_in_user()))
    form.proposal.choices = options((p, p) for p in ballot.proposals)
    if form.validate():
        caller = OrganisationAccess(request_session(), signed_in_user()).caller(form.organisation.data)
        act(lambda: ballots.vote(number, ballot.id, caller.organisation, form.proposal.data,
                                 (form.reason.data or "").strip(), caller), _("Your vote is recorded."))
    else:
        flash(_("Choose an organisation and a proposal."), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="votes"))


@web.post("/initiatives/<raw>/solutions")
@signed_in
def attach_solution(raw: str) -> Response:
    """A publisher offers one of its published apps as an existing solution."""
    number = initiative_number(raw)
    solutions = Solutions(request_session())
    user = signed_in_user()
    offerable = {app.slug: app for app in _offerable_apps(solutions, user)}  # read once: choices and choice
    form = SolutionForm()
    form.app.choices = options((app.slug, app.name) for app in offerable.values())
    if form.validate():
        app = offerable[form.app.data]
        caller = OrganisationAccess(request_session(), user).caller(app.organisation.slug)
        act(lambda: solutions.attach(number, app.slug, caller), _("Your app is shown as an existing solution."))
    else:
        flash(_("Choose one of your published apps."), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="solutions"))


@web.post("/initiatives/<raw>/solutions/<app_id>/removal")
@signed_in
def detach_solution(raw: str, app_id: str) -> Response:
    """The app's publisher withdraws it, or the initiative's starter removes it."""
    number = initiative_number(raw)
    session = request_session()
    solutions, user = Solutions(session), signed_in_user()
    initiative = InitiativeService(session).get(number)
    managed = {o.id: o for o in managed_organisations(user)}
    acting = solutions.removable(initiative, solutions.of(initiative), list(managed)).get(app_id)
    if acting is None:
        raise Forbidden(f"You cannot remove `{app_id[:64]}` from initiative {number}.",
                        page_code="initiative.solution-not-removable")
    if SolutionRemovalForm().validate():
        caller = OrganisationAccess(session, user).caller(managed[acting].slug)
        act(lambda: solutions.detach(number, app_id, caller), _("The app is no longer shown as an existing solution."))
    else:
        flash(_("The form has expired. Reload the page and try again."), "error")
    return redirect(url_for("web.initiative_page", raw=number, _anchor="solutions"))


def _offerable_apps(solutions: Solutions, user: User) -> list[App]:
    """The published apps of the organisations ``user`` manages."""
    return solutions.offerable([o.id for o in managed_organisations(user)])


def steering_organisations(user: User | None, initiative: Initiative) -> list[Organisation]:
    """The user's organisations that steer ``initiative``: they open and close its ballots."""
    if user is None:
        return []
    steering = {p.organisation_id for p in initiative.participants if p.role in STEERING}
    return [o for o in managed_organisations(user) if o.id in steering]


def curator_organisation(user: User | None) -> Organisation | None:
    """The registry's organisation when the user manages it: curators merge."""
    return next((o for o in managed_organisations(user) if o.kind == CURATOR), None) if user else None


def _steering_forms(user: User | None, initiative: Initiative) -> dict[str, object]:
    """The forms for those who steer the initiative (ballots) and for curators (merge)."""
    steering = steering_organisations(user, initiative)
    ballot_form = BallotForm()
    ballot_form.organisation.choices = organisation_options(steering)
    close_form = CloseBallotForm(organisation=steering[0].slug if steering else "")
    return {"ballot_form": ballot_form, "close_form": close_form if steering else None,
            "merge_form": MergeForm(meta={"csrf": False}) if curator_organisation(user) else None}


def act(action: Callable[[], object], done: str) -> bool:
    """Do ``action`` in a savepoint; its refusal becomes a message on the page, in the reader's language.
    True when it was done."""
    try:
        with savepoint(request_session()):
            action()
    except RegistryError as error:
        flash(error_text(error), "error")
        return False
    flash(done, "success")
    return True
