"""Reply drafts: generation from the best template, approval rules, and the state
machine. Every move goes through `transition`, which locks the row (PostgreSQL),
checks the move is legal, changes the state with a conditional UPDATE that must
hit exactly one row, and writes a DraftEvent in the same transaction."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from craigleads import events
from craigleads.personal_data import is_suppressed
from leads import hooks as lead_hooks
from leads.models import Lead
from memory import services as memory

from . import abtesting
from .models import (
    ABTest,
    ApprovalRule,
    DoNotContact,
    Draft,
    DraftEvent,
    ResponseTemplate,
    SenderProfile,
)
from .templating import parse_template, render_header

logger = logging.getLogger(__name__)

State = Draft.State
GRADES = "ABCDF"

# Legal moves. SENT is "handed to the mail transport" (or marked sent by hand
# after a mailto); DELIVERED is "the SMTP server accepted it".
MOVES: dict[str, set[str]] = {
    State.GENERATED: {State.PENDING_REVIEW, State.APPROVED, State.REJECTED},
    State.PENDING_REVIEW: {State.APPROVED, State.REJECTED},
    State.APPROVED: {State.SENT, State.PENDING_REVIEW, State.REJECTED},
    State.REJECTED: {State.PENDING_REVIEW},
    State.SENT: {State.DELIVERED, State.FAILED, State.APPROVED},
    State.FAILED: {State.PENDING_REVIEW},
    State.DELIVERED: set(),
}
EDITABLE = {State.GENERATED, State.PENDING_REVIEW, State.APPROVED}


class DraftError(Exception):
    """A request about a draft that cannot be carried out; `status` is the HTTP
    status an interface should answer with (409 for an illegal move)."""

    status = 400


class IllegalTransition(DraftError):
    status = 409


class NotAllowed(DraftError):
    status = 403


def _actor_name(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return str(actor or "system")[:150]


def _log(
    draft: Draft,
    *,
    actor: Any,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> DraftEvent:
    return DraftEvent.objects.create(
        draft=draft,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note[:2000],
        changes=changes or {},
    )


def _locked(draft_id: int) -> Draft:
    qs = Draft.objects.select_related("lead")
    if settings.IS_POSTGRES:
        # A row lock serialises concurrent moves; on SQLite the conditional UPDATE
        # below is what keeps two moves from both winning.
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=draft_id)


def transition(
    *,
    draft_id: int,
    to: str,
    actor: Any,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> Draft:
    """Move a draft to state `to`, or raise IllegalTransition saying why.

    Not idempotent by design: a second identical call finds the draft already
    moved and raises, so two concurrent approvals have exactly one winner.
    """
    with transaction.atomic():
        draft = _locked(draft_id)
        current = draft.state
        if to not in MOVES.get(current, set()):
            allowed = ", ".join(sorted(MOVES.get(current, set()))) or "none"
            raise IllegalTransition(
                f"A draft that is {current.replace('_', ' ')} cannot move to "
                f"{to.replace('_', ' ')} (allowed: {allowed})."
            )
        fields = {"state": to, "updated_at": timezone.now(), **(extra or {})}
        if Draft.objects.filter(pk=draft.pk, state=current).update(**fields) != 1:
            raise IllegalTransition(
                "Another change to this draft won the race; reload it."
            )
        draft.refresh_from_db()
        _log(
            draft,
            actor=actor,
            action="transition",
            from_state=current,
            to_state=to,
            note=note,
        )
        _remember_move(draft, actor, current, to)
        events.publish_on_commit(
            "response.status",
            {"draft_id": draft.pk, "lead_id": draft.lead_id, "state": to},
            permission="responses.view_draft",
        )
    return draft


def _remember_move(draft: Draft, actor: Any, current: str, to: str) -> None:
    """The move in the lead's story; a person's decision in their short-term
    memory; a message that went out in the lead's conversation."""
    memory.record_episode(lead_id=draft.lead_id, step=to, detail={"draft_id": draft.pk})
    if to in {State.APPROVED, State.REJECTED} and getattr(
        actor, "is_authenticated", False
    ):
        memory.record_decision(
            user_id=actor.pk,
            decision=to,
            about=f"lead:{draft.lead_id}",
            importance=0.6 if to == State.APPROVED else 0.4,
        )
    if to == State.SENT:
        memory.record_message(
            lead_id=draft.lead_id,
            direction="out",
            subject=draft.subject,
            body=draft.body,
            draft_id=draft.pk,
        )


# --- approving, rejecting, editing ----------------------------------------------------


def approve(*, draft_id: int, actor: Any, note: str = "") -> Draft:
    """Approve a draft for sending (queued after commit when it has an address).

    Escalated drafts need an admin; a draft to a do-not-contact address or company
    cannot be approved.
    """
    draft = Draft.objects.select_related("lead").get(pk=draft_id)
    if draft.escalated and not getattr(actor, "is_superuser", False):
        raise NotAllowed(
            "This draft was escalated (it talks about pay); an admin must approve it."
        )
    if blocked := blocked_reason(draft.lead, draft.to_email):
        raise DraftError(f"Cannot approve: {blocked}.")
    with transaction.atomic():
        draft = transition(
            draft_id=draft_id,
            to=State.APPROVED,
            actor=actor,
            note=note,
            extra={
                "approved_by": actor
                if getattr(actor, "is_authenticated", False)
                else None,
                "approved_at": timezone.now(),
            },
        )
        if draft.to_email:
            _enqueue_send(draft.pk)
        lead_hooks.lead_feedback(draft.lead_id, "approved")
    return draft


def reject(*, draft_id: int, actor: Any, reason: str) -> Draft:
    if not reason.strip():
        raise DraftError("Say why the draft is rejected.")
    with transaction.atomic():
        draft = transition(
            draft_id=draft_id, to=State.REJECTED, actor=actor, note=reason
        )
        lead_hooks.lead_feedback(draft.lead_id, "rejected")
    return draft


def bulk_approve(*, draft_ids: Iterable[int], actor: Any) -> dict[str, list[Any]]:
    """Approve several drafts; each succeeds or fails on its own."""
    done: list[int] = []
    failed: list[tuple[int, str]] = []
    for draft_id in draft_ids:
        try:
            approve(draft_id=draft_id, actor=actor, note="bulk approval")
            done.append(draft_id)
        except (DraftError, Draft.DoesNotExist) as exc:
            failed.append((draft_id, str(exc)))
    return {"approved": done, "failed": failed}


def edit(
    *, draft_id: int, actor: Any, subject: str | None = None, body: str | None = None
) -> Draft:
    """Change a draft's subject or body; the audit row keeps the old and new text.
    Lead text is data: what is typed here is stored as it is, never rendered."""
    with transaction.atomic():
        draft = _locked(draft_id)
        if draft.state not in EDITABLE:
            raise IllegalTransition(
                f"A {draft.get_state_display()} draft can no longer be edited."
            )
        changes: dict[str, Any] = {}
        if subject is not None:
            clean = _one_line(subject)
            if not clean:
                raise DraftError("The subject cannot be empty.")
            if clean != draft.subject:
                changes["subject"] = {"from": draft.subject, "to": clean}
                draft.subject = clean
        if body is not None and body != draft.body:
            if not body.strip():
                raise DraftError("The body cannot be empty.")
            changes["body"] = {"from": draft.body, "to": body}
            draft.body = body
        if not changes:
            return draft
        draft.version = F("version") + 1
        draft.save(update_fields=["subject", "body", "version", "updated_at"])
        draft.refresh_from_db()
        _log(
            draft,
            actor=actor,
            action="edit",
            from_state=draft.state,
            to_state=draft.state,
            changes=changes,
        )
        events.publish_on_commit(
            "response.status",
            {"draft_id": draft.pk, "lead_id": draft.lead_id, "state": draft.state},
            permission="responses.view_draft",
        )
    return draft


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:200]


# --- do not contact -------------------------------------------------------------


def _normal_phone(value: str) -> str:
    return re.sub(r"\D", "", value)[-10:]


def blocked_reason(lead: Lead, to_email: str = "") -> str | None:
    """Why a lead must not be contacted, or None."""
    if lead.do_not_contact:
        return "the lead is marked do-not-contact"
    if _erased(lead, to_email):
        return "the person asked for their data to be erased; do not contact them"
    checks = [
        (DoNotContact.Kind.EMAIL, (to_email or lead.contact_email).strip().lower()),
        (DoNotContact.Kind.PHONE, _normal_phone(lead.contact_phone)),
        (DoNotContact.Kind.COMPANY, lead.company.strip().lower()),
    ]
    query = Q()
    for kind, value in checks:
        if value:
            query |= Q(kind=kind, value=value)
    if query and (entry := DoNotContact.objects.filter(query).first()):
        return f"{entry.get_kind_display()} {entry.value} is on the do-not-contact list"
    return None


def _erased(lead: Lead, to_email: str = "") -> bool:
    """Whether the address, number or posting is on the erasure suppression list."""
    return is_suppressed(
        emails=[to_email, lead.contact_email],
        phones=[lead.contact_phone],
        urls=[lead.url],
        post_ids=[lead.post_id or ""],
    )


def add_do_not_contact(*, kind: str, value: str, reason: str = "") -> DoNotContact:
    """Add an entry (normalised); safe to repeat."""
    value = (
        _normal_phone(value)
        if kind == DoNotContact.Kind.PHONE
        else value.strip().lower()
    )
    if not value:
        raise DraftError("Give an e-mail address, phone number or company name.")
    entry, _ = DoNotContact.objects.get_or_create(
        kind=kind, value=value[:254], defaults={"reason": reason[:200]}
    )
    return entry


# --- generating drafts -------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    template: ResponseTemplate
    test: ABTest | None
    variant: str


def choose_template(lead: Lead) -> Choice | None:
    """The lead's A/B variant when an active test covers its category, otherwise
    the active template for its category with the best success rate (then a
    general one)."""
    category = lead.category.code if lead.category else ""
    test = (
        ABTest.objects.filter(active=True)
        .filter(Q(category=category) | Q(category=""))
        .prefetch_related("variants__template")
        .order_by("-category", "-created_at")
        .first()
    )
    if test is not None:
        variants = [v for v in test.variants.all() if v.template.active]
        if variants:
            name = abtesting.assign_variant(
                f"abtest-{test.pk}",
                f"lead-{lead.pk}",
                [v.name for v in variants],
                [v.weight for v in variants],
            )
            chosen = next(v for v in variants if v.name == name)
            return Choice(chosen.template, test, name)
    template = (
        ResponseTemplate.objects.filter(active=True)
        .filter(Q(category=category) | Q(category=""))
        .order_by("-category", "-success_rate", "name")
        .first()
    )
    return Choice(template, None, "") if template else None


def sender_for(user: Any = None) -> SenderProfile | None:
    if user is not None and getattr(user, "is_authenticated", False):
        own = SenderProfile.objects.filter(user=user).first()
        if own is not None:
            return own
    return SenderProfile.objects.filter(is_default=True).first()


def context_for(lead: Lead, sender: SenderProfile | None) -> dict[str, Any]:
    """The template variables for a lead and a sender (all plain strings)."""
    low, high = lead.salary_min_annual, lead.salary_max_annual
    salary_range = ""
    if low or high:
        salary_range = " to ".join(f"${int(v):,}" for v in (low, high) if v) + " a year"
    skills = ((lead.qualification_breakdown or {}).get("keywords") or {}).get(
        "reason", ""
    )
    primary = ""
    if match := re.search(r"mentions ([\w+#.-]+)", skills):
        primary = match.group(1)
    return {
        "title": lead.title,
        "job_title": lead.job_title or lead.title,
        "company": lead.company,
        "contact_name": lead.contact_name,
        "hood": lead.hood,
        "city": lead.site.name if lead.site else "",
        "site": lead.site.code if lead.site else "",
        "category": lead.category.name if lead.category else "",
        "compensation": lead.compensation,
        "salary_range": salary_range,
        "posted_date": lead.posted_at.date().isoformat() if lead.posted_at else "",
        "primary_skill": primary,
        "post_id": lead.post_id or "",
        "url": lead.url,
        "sender_name": sender.name if sender else "",
        "signature": sender.signature if sender else "",
        "portfolio_url": sender.portfolio_url if sender else "",
        "sender_email": sender.email if sender else "",
        "sender_phone": sender.phone if sender else "",
    }


def render_preview(
    *, template: ResponseTemplate, lead: Lead, user: Any = None
) -> dict[str, str]:
    """Subject and body of a template for a lead, without storing anything."""
    context = context_for(lead, sender_for(user))
    return {
        "subject": render_header(parse_template(template.subject_template), context),
        "body": parse_template(template.body_template).render(context),
    }


def wants_draft(lead: Lead) -> bool:
    grade = lead.qualification_grade
    return bool(
        lead.qualification_passed
        and grade
        and GRADES.index(grade) <= GRADES.index(settings.DRAFT_MIN_GRADE)
        and not lead.is_gone
        and not lead.archived
    )


def generate_draft(*, lead_id: int) -> Draft | None:
    """Create the draft for a qualified lead and apply the approval rules.

    Safe to call twice: a lead has at most one draft (unique), and a second call
    returns the existing one untouched. Returns None when the lead does not
    qualify for a draft, its poster's data was erased, or no template fits.
    """
    lead = Lead.objects.select_related("site", "category").get(pk=lead_id)
    existing = Draft.objects.filter(lead=lead).first()
    if existing is not None or not wants_draft(lead):
        return existing
    if _erased(lead):
        logger.info("no draft for lead %s: its poster's data was erased", lead.pk)
        return None
    choice = choose_template(lead)
    if choice is None:
        logger.info("no active template for lead %s", lead.pk)
        return None
    preview = render_preview(template=choice.template, lead=lead)
    try:
        with transaction.atomic():
            draft = Draft.objects.create(
                lead=lead,
                template=choice.template,
                ab_test=choice.test,
                variant=choice.variant,
                subject=preview["subject"] or lead.title[:200],
                body=preview["body"],
                to_email=lead.contact_email,
            )
            ResponseTemplate.objects.filter(pk=choice.template.pk).update(
                use_count=F("use_count") + 1
            )
            _log(
                draft,
                actor="system",
                action="created",
                to_state=State.GENERATED,
                note=f"from template “{choice.template.name}”"
                + (f", A/B variant {choice.variant}" if choice.variant else ""),
            )
            _apply_rules(draft)
            events.publish_on_commit(
                "draft.created",
                {"draft_id": draft.pk, "lead_id": lead.pk},
                permission="responses.view_draft",
            )
    except IntegrityError:
        return Draft.objects.filter(lead=lead).first()
    draft.refresh_from_db()
    return draft


def _rule_matches(rule: ApprovalRule, draft: Draft) -> bool:
    lead = draft.lead
    if rule.condition == ApprovalRule.Condition.ALWAYS:
        return True
    if rule.condition == ApprovalRule.Condition.SCORE_AT_LEAST:
        return (lead.qualification_score or 0) >= float(rule.params.get("score", 1.0))
    if rule.condition == ApprovalRule.Condition.FIRST_CONTACT:
        earlier = Draft.objects.exclude(pk=draft.pk).filter(
            state__in=[State.SENT, State.DELIVERED]
        )
        same = Q()
        if lead.company:
            same |= Q(lead__company__iexact=lead.company)
        if draft.to_email:
            same |= Q(to_email__iexact=draft.to_email)
        return not same or not earlier.filter(same).exists()
    if rule.condition == ApprovalRule.Condition.MENTIONS_SALARY:
        text = f"{draft.subject}\n{draft.body}".lower()
        words = rule.params.get("words") or ["salary", "rate", "negotiat"]
        # Words match at a word start: "rate" must not fire on "generate".
        return any(
            re.search(r"\b" + re.escape(str(word).lower()), text) for word in words
        )
    return False


def _apply_rules(draft: Draft) -> None:
    """Evaluate the active rules in order; the first match decides and is recorded."""
    for rule in ApprovalRule.objects.filter(active=True).order_by("order", "id"):
        if not _rule_matches(rule, draft):
            continue
        Draft.objects.filter(pk=draft.pk).update(
            decided_by_rule=rule, escalated=rule.action == ApprovalRule.Action.ESCALATE
        )
        draft.refresh_from_db()
        actor = f"rule: {rule.name}"
        if rule.action == ApprovalRule.Action.AUTO_APPROVE and not blocked_reason(
            draft.lead
        ):
            transition(
                draft_id=draft.pk,
                to=State.APPROVED,
                actor=actor,
                note="approved automatically",
                extra={"approved_at": timezone.now()},
            )
            if draft.to_email:
                _enqueue_send(draft.pk)
        else:
            note = "escalated to an admin" if draft.escalated else "sent to review"
            transition(
                draft_id=draft.pk, to=State.PENDING_REVIEW, actor=actor, note=note
            )
        return
    transition(
        draft_id=draft.pk,
        to=State.PENDING_REVIEW,
        actor="system",
        note="no approval rule matched",
    )


def enqueue_draft(lead_id: int) -> None:
    """Hook for `qualification`: draft a reply once the score is committed."""
    from .tasks import generate_draft_task

    generate_draft_task.delay_on_commit(lead_id)  # type: ignore[attr-defined]


def _enqueue_send(draft_id: int) -> None:
    from .tasks import send_draft_task

    send_draft_task.delay_on_commit(draft_id)  # type: ignore[attr-defined]


# --- outcomes ---------------------------------------------------------------


def record_outcome(*, draft_id: int, outcome: str, actor: Any, note: str = "") -> Draft:
    """Record what came back from a sent reply and update the template's success
    rate (replies and interviews over sent drafts). Re-recording replaces it."""
    if outcome not in Draft.Outcome.values:
        raise DraftError(f"Outcome must be one of {', '.join(Draft.Outcome.values)}.")
    with transaction.atomic():
        draft = _locked(draft_id)
        if draft.state not in {State.SENT, State.DELIVERED}:
            raise IllegalTransition("Only a sent reply can have an outcome.")
        previous = draft.outcome
        Draft.objects.filter(pk=draft.pk).update(
            outcome=outcome, outcome_at=timezone.now()
        )
        draft.refresh_from_db()
        _log(
            draft,
            actor=actor,
            action="outcome",
            from_state=draft.state,
            to_state=draft.state,
            note=note,
            changes={"outcome": {"from": previous, "to": outcome}},
        )
        if draft.template_id:
            _refresh_success_rate(draft.template_id)
        lead_hooks.lead_feedback(draft.lead_id, _FEEDBACK_OF_OUTCOME[outcome])
        memory.record_episode(lead_id=draft.lead_id, step=_FEEDBACK_OF_OUTCOME[outcome])
        if outcome == Draft.Outcome.REPLY and note.strip():
            # The reply's text, pasted by the operator, joins the conversation.
            memory.record_message(
                lead_id=draft.lead_id,
                direction="in",
                subject=f"Re: {draft.subject}",
                body=note,
                draft_id=draft.pk,
            )
        events.publish_on_commit(
            "response.status",
            {
                "draft_id": draft.pk,
                "lead_id": draft.lead_id,
                "state": draft.state,
                "outcome": outcome,
            },
            permission="responses.view_draft",
        )
    return draft


_FEEDBACK_OF_OUTCOME: dict[str, str] = {
    Draft.Outcome.REPLY: "reply_received",
    Draft.Outcome.INTERVIEW: "interview",
    Draft.Outcome.NO_RESPONSE: "no_response",
}


def _refresh_success_rate(template_id: int) -> None:
    sent = Draft.objects.filter(
        template_id=template_id, state__in=[State.SENT, State.DELIVERED]
    )
    total = sent.count()
    good = sent.filter(
        outcome__in=[Draft.Outcome.REPLY, Draft.Outcome.INTERVIEW]
    ).count()
    ResponseTemplate.objects.filter(pk=template_id).update(
        success_rate=good / total if total else 0.0
    )
