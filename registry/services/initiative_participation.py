"""Taking part in an initiative: joining in a role, leaving, and a curator's merge of duplicates.

An organisation joins and leaves only for itself. Vendors join as contractor; municipalities and
cooperations in any other role. Taking part is public, per organisation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.errors import Conflict, Forbidden, InvalidInput
from registry.models import Initiative, InitiativeParticipant, Organisation, utcnow
from registry.services import audit
from registry.services.initiatives import INITIATOR, STARTERS, InitiativeService
from registry.services.organisations import OrganisationService
from registry.services.tokens import Caller
from registry.services.vendors import require_curator
from sdk.problems import InvalidParam

CONTRACTOR = "contractor"
#: Roles an organisation may take by joining: initiators start the initiative.
JOINING_ROLES = ("co-developer", "co-funder", "interested", CONTRACTOR)
#: Who ranks above whom when a merge finds an organisation in both initiatives.
RANK = ("initiator", "co-developer", "co-funder", "contractor", "interested")


class Participation:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.initiatives = InitiativeService(session)

    def join(self, initiative_id: int, slug: str, role: str, caller: Caller) -> tuple[InitiativeParticipant, bool]:
        """``slug`` takes part in ``role`` (a change of role when it already did); True when it is new."""
        initiative = self.initiatives.get(initiative_id)
        organisation = self._own(slug, caller)
        _check_role(organisation, role)
        if initiative.merged_into_id is not None:
            raise Conflict(f"Initiative {initiative.id} was merged into {initiative.merged_into_id}; join that one.",
                           page_code="initiative.merged")
        current = _participant(initiative, organisation.id)
        if current is not None and current.role == INITIATOR:
            raise Conflict(f"`{slug}` initiated this initiative and stays its initiator.",
                           page_code="initiative.stays-initiator")
        new = current is None
        if current is None:
            current = InitiativeParticipant(organisation_id=organisation.id, role=role, organisation=organisation)
            initiative.participants.append(current)
        current.role = role
        initiative.updated_at = utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.join", f"initiative:{initiative.id}",
                     organisation=slug, role=role)
        return current, new

    def leave(self, initiative_id: int, slug: str, caller: Caller) -> None:
        initiative = self.initiatives.get(initiative_id)
        organisation = self._own(slug, caller)
        current = _participant(initiative, organisation.id)
        if current is None:
            return
        if current.role == INITIATOR and sum(p.role == INITIATOR for p in initiative.participants) == 1:
            raise Conflict(f"`{slug}` is the only initiator; stop the initiative (phase `stopped`) instead of "
                           "leaving it.", page_code="initiative.last-initiator")
        initiative.participants.remove(current)
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.leave", f"initiative:{initiative.id}", organisation=slug)

    def merge(self, duplicate_id: int, into_id: int, caller: Caller) -> Initiative:
        """Curators merge a duplicate into another initiative: every participant moves over, in its
        higher role where it took part in both; the duplicate stays readable and points to the other."""
        require_curator(caller)
        if duplicate_id == into_id:
            raise InvalidInput([InvalidParam("into", "invalid", "Merge an initiative into another one.")])
        duplicate, target = self.initiatives.get(duplicate_id), self.initiatives.get(into_id)
        if duplicate.merged_into_id is not None or target.merged_into_id is not None:
            raise Conflict("One of them was merged already; merge into the initiative it was merged into.",
                           page_code="initiative.merged")
        for moving in duplicate.participants:
            present = _participant(target, moving.organisation_id)
            if present is None:
                target.participants.append(InitiativeParticipant(
                    organisation_id=moving.organisation_id, role=moving.role, joined_at=moving.joined_at))
            elif RANK.index(moving.role) < RANK.index(present.role):
                present.role = moving.role
        duplicate.merged_into_id = target.id
        target.updated_at = duplicate.updated_at = utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.merge", f"initiative:{duplicate.id}", into=target.id)
        return target

    def _own(self, slug: str, caller: Caller) -> Organisation:
        if slug != caller.organisation:
            raise Forbidden(f"Only `{slug}` decides whether it takes part; use a token of that organisation.",
                            page_code="initiative.not-yours")
        organisation = OrganisationService(self.session).find(slug)
        assert organisation is not None  # the caller's own
        return organisation


def _participant(initiative: Initiative, organisation_id: int) -> InitiativeParticipant | None:
    return next((p for p in initiative.participants if p.organisation_id == organisation_id), None)


def _check_role(organisation: Organisation, role: str) -> None:
    if organisation.kind == "vendor" and role != CONTRACTOR:
        raise Forbidden("A vendor takes part as contractor.", page_code="initiative.vendor-role")
    if organisation.kind not in (*STARTERS, "vendor"):
        raise Forbidden(f"A {organisation.kind} does not take part in initiatives.",
                        page_code="initiative.not-a-participant")
    if organisation.kind in STARTERS and role == CONTRACTOR:
        raise InvalidInput([InvalidParam("role", "enum", "Municipalities and cooperations join as co-developer, "
                                                         "co-funder or interested; contractors are vendors.")])
