"""Demo data for requests, decisions and appointments, matching each family's status.

- *requested*: an open request (some being assessed), received 0–45 days ago, so some are near or past the
  one-month point of fvl § 11 a; about half of those past it have a preliminary reply.
- *waiting*: a granted decision, no coordinator yet.
- *refused*: a refused decision with reasons; about a third appealed (being reassessed, sent to the county
  governor, or decided there).
- *active* and *closed*: a granted decision before the first coordinator started, and an appointment for
  every existing :class:`CoordinatorAssignment` (no new assignments are made); a change of coordinator has a
  handover; a closed family has an ending with a closing summary.

Letters are not rendered here (WeasyPrint for thousands of decisions would be slow): each decision's PDF is
made and archived the first time someone opens it. Everything is drawn with ``ctx.rng`` and written with
``bulk_create``.
"""

from __future__ import annotations

from datetime import date, timedelta

from los.access.models import ConsentMethod
from los.accounts.models import User
from los.core.deadlines import appeal_deadline
from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember, FamilyStatus
from los.referrals.criteria import LEGAL_CRITERIA
from los.referrals.models import (
    BARNEKOORDINATOR_BASIS,
    Appeal,
    AppealStatus,
    Appointment,
    Assessment,
    CriterionAssessment,
    CriterionResult,
    Ending,
    EndReason,
    GovernorOutcome,
    HandoverTask,
    LocalCriterion,
    Outcome,
    PublicRequest,
    PublicRequestStatus,
    Recommendation,
    Request,
    RequestSource,
    RequestStatus,
    Vedtak,
)

BATCH = 2000

RULES = ("Pasient- og brukerrettighetsloven § 2-5 c: Familier som har eller venter barn under 18 år med alvorlig "
         "sykdom, skade eller nedsatt funksjonsevne, og der barnet har behov for langvarige og sammensatte "
         "helse- og omsorgstjenester og andre velferdstjenester, har rett til barnekoordinator. "
         "Helse- og omsorgstjenesteloven § 7-2 a sier hva barnekoordinatoren skal gjøre.")
DESCRIPTIONS = [
    "Vi bruker mye tid på å samordne skole, fysioterapi og avlastning selv, og trenger hjelp til å få oversikt.",
    "Barnet vårt har fått en ny diagnose, og vi vet ikke hvilke tjenester vi har rett til.",
    "Det er mange møter og mange instanser. Vi ønsker én person som holder i trådene.",
    "Vi trenger hjelp med søknader til NAV og kommunen, og med overgangen til skolen.",
    "Helsestasjonen foreslo at vi ber om barnekoordinator fordi vi har mange tjenester.",
]
PROFESSIONAL_DESCRIPTIONS = [
    "Skolen og PPT ser at familien har behov for samordning av flere tjenester. Mor har samtykket.",
    "Helsestasjonen melder behov for barnekoordinator etter samtale med foreldrene.",
    "HABU anbefaler barnekoordinator; familien har mange aktører rundt seg og ønsker hjelp.",
]
GRANTED_CONSIDERATIONS = [
    "Familien har behov for samordning av mange tjenester over tid. Vi legger vekt på hva tilstanden betyr i "
    "hverdagen for barnet og familien, og på at foreldrene i dag koordinerer tjenestene selv.",
    "Vilkårene i § 2-5 c er oppfylt. Barnet har behov for tjenester fra flere sektorer, og familien trenger "
    "hjelp til oversikt over rettigheter og tilbud.",
]
REFUSED_FACTS = [
    "Barnet følges av helsestasjon og fastlege. Det er ikke opplyst om behov for tjenester fra flere sektorer.",
    "Barnet har en diagnose som i dag gir begrensede utfordringer i hverdagen, og tjenestene fungerer godt sammen.",
]
REFUSED_CONSIDERATIONS = [
    "Vi finner ikke at barnet har behov for langvarige og sammensatte tjenester slik § 2-5 c krever. Familien kan "
    "be om ny vurdering dersom situasjonen endrer seg, og kan ha rett til koordinator etter § 2-5 b.",
    "Behovet for samordning er i dag begrenset. Vi har lagt vekt på at tjenestene familien har, samarbeider godt.",
]
WISHES = ["", "", "Ønsker en som kjenner skolen.", "Ønsker kontakt på SMS, helst etter kl. 15.",
          "Ønsker samme koordinator som storebror hadde.", "Ønsker en koordinator med erfaring med autisme.",
          "Ønsker ikke møter i skoletiden."]
APPOINTMENT_REASONS = ["Kjenner familien fra før.", "Har ledig kapasitet.", "Har erfaring med tilsvarende saker.",
                       "Jobber i samme bydel som familien bor i."]
CLOSING = ["Familien har god oversikt over tjenestene nå og ønsker å avslutte. De vet hvor de kan henvende seg.",
           "Tjenestene fungerer godt sammen, og familien trenger ikke lenger barnekoordinator.",
           "Familien har flyttet til en annen kommune; saken er overlevert med samtykke."]
LOCAL_CRITERIA = [
    ("Familien har behov for hjelp til å samordne minst tre tjenester", "Telles på tvers av sektorer."),
    ("Familien har behov for hjelp til å få oversikt over rettigheter", ""),
    ("Foreldrene har selv ønsket barnekoordinator", "Samtykke og ønske skal være dokumentert."),
]
APPEAL_GROUNDS = ["Vi mener vedtaket ikke tar hensyn til hvor mye tid vi bruker på å koordinere selv.",
                  "Vi har fått nye opplysninger fra HABU som viser at behovet er større enn lagt til grunn.",
                  "Vi er uenige i at behovet ikke er sammensatt: barnet har fem tjenester."]


def _first(rows, key_index: int = 0) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(row[key_index], row)
    return out


def seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    mids = [m.id for m in ctx.municipalities]
    children = _first(Child.objects.filter(municipality_id__in=mids).order_by("family_id", "birth_date")
                      .values_list("family_id", "given_name", "condition_summary").iterator(chunk_size=5000))
    guardians = _first(FamilyMember.objects.filter(municipality_id__in=mids, may_consent=True)
                       .order_by("family_id", "id").values_list("family_id", "id", "given_name", "family_name",
                                                                 "user_id").iterator(chunk_size=5000))
    assignments: dict[int, list[tuple]] = {}
    for row in (CoordinatorAssignment.objects.filter(municipality_id__in=mids).order_by("family_id", "started", "id")
                .values_list("family_id", "id", "coordinator_id", "started", "ended", "end_reason")
                .iterator(chunk_size=5000)):
        assignments.setdefault(row[0], []).append(row)

    caseworkers = {mid: list(users) for mid, users in ctx.caseworkers.items()}
    demo = ctx.demo_family
    story = ctx.story()  # the demo family's names, from its records
    named = {u.username: u for u in User.objects.filter(username__in=["saksbehandler", "leder", "forelder"])}
    if demo is not None and "saksbehandler" in named:
        caseworkers.setdefault(demo.municipality_id, []).insert(0, named["saksbehandler"])

    # local criteria: about half the municipalities have one or two of their own
    local_rows = []
    for m in ctx.municipalities:
        if rng.random() < 0.5 or (demo is not None and m.id == demo.municipality_id):
            for position, (title, help_text) in enumerate(rng.sample(LOCAL_CRITERIA, rng.choice([1, 2])), start=1):
                local_rows.append(LocalCriterion(municipality=m, title=title, help_text=help_text,
                                                 position=position * 10))
    bulk_insert(LocalCriterion, local_rows, batch_size=BATCH)
    local_by_m: dict[int, list[LocalCriterion]] = {}
    for criterion in local_rows:
        local_by_m.setdefault(criterion.municipality_id, []).append(criterion)

    publics: list[PublicRequest] = []
    requests: list[Request] = []
    plans: list[dict] = []  # what to build on each request once it has an id
    for family in ctx.families:
        m_id = family.municipality_id
        received = family.created_at.astimezone(ctx.aware(today).tzinfo).date()
        guardian = guardians.get(family.pk)
        guardian_name = f"{guardian[2]} {guardian[3]}" if guardian else ""
        is_demo = demo is not None and family.pk == demo.pk
        roll = rng.random()
        source = (RequestSource.FAMILY if roll < 0.45 or is_demo else
                  RequestSource.PROFESSIONAL if roll < 0.9 else RequestSource.PUBLIC_FORM)
        request = Request(family=family, municipality_id=m_id, source=source, received=received,
                          received_at=ctx.aware(received, 10), consent_by_member_id=guardian[1] if guardian else None,
                          consent_by_name=guardian_name, consent_method=ConsentMethod.DIGITAL,
                          consent_given_on=received, description=rng.choice(DESCRIPTIONS),
                          submitter_name=guardian_name)
        if is_demo and guardian and guardian[4] and story is not None:
            request.submitted_by_id = guardian[4]
            request.description = story.fill(
                "{child} har cerebral parese og epilepsi. Vi har kontakt med skolen, PPT, fysioterapeut, HABU og "
                "helsestasjonen, og bruker mye tid på å samordne alt selv. Vi ønsker én person som hjelper oss med "
                "oversikten.")
        if source == RequestSource.PROFESSIONAL:
            contacts = ctx.contacts.get(m_id) or []
            if contacts:
                user, provider = rng.choice(contacts)
                request.submitted_by, request.submitter_service = user, provider
                request.submitter_name = f"{user.first_name} {user.last_name}"
            request.description = rng.choice(PROFESSIONAL_DESCRIPTIONS)
            request.consent_method = rng.choice([ConsentMethod.ORAL, ConsentMethod.PAPER, ConsentMethod.DIGITAL])
            request.consent_given_on = received - timedelta(days=rng.randint(0, 7))
        elif source == RequestSource.PUBLIC_FORM:
            public = PublicRequest(
                municipality_id=m_id, family=family, reference=f"N-DEMO{len(publics) + 1:07d}",
                submitted_at=ctx.aware(received, 20), sender_name=guardian_name, sender_fodselsnummer="",
                sender_relation="mother", child_name=(children.get(family.pk) or (0, ""))[1],
                description=request.description, status=PublicRequestStatus.CONFIRMED,
                handled_at=ctx.aware(min(today, received + timedelta(days=rng.randint(0, 3))), 18))
            publics.append(public)
            request._public = public
        plan = {"family": family, "request": request, "is_demo": is_demo, "received": received}
        status = family.status
        if status == FamilyStatus.REQUESTED:
            age = (today - received).days
            request.status = RequestStatus.ASSESSING if rng.random() < 0.35 else RequestStatus.RECEIVED
            if age >= 24 and rng.random() < 0.5:
                sent = received + timedelta(days=rng.randint(22, min(age, 30)))
                request.preliminary_reply_sent_on = sent
                request.preliminary_reply_expected_by = sent + timedelta(days=rng.randint(14, 30))
                request.preliminary_reply_text = (
                    "Foreløpig svar på henvendelsen om barnekoordinator\n\nVi har ikke kunnet avgjøre saken ennå "
                    "fordi vi venter på opplysninger fra skolen. Vi regner med å gi svar innen "
                    f"{request.preliminary_reply_expected_by:%d.%m.%Y}. (forvaltningsloven § 11 a)")
                request.preliminary_reply_sent_by = rng.choice(caseworkers.get(m_id) or [None])
            plan["assess"] = request.status == RequestStatus.ASSESSING
        else:
            rows = assignments.get(family.pk, [])
            first_start = rows[0][3] if rows else None
            if first_start is not None:
                latest = max(received + timedelta(days=1), first_start)
                decided = received + timedelta(days=rng.randint(1, max(1, min(45, (latest - received).days))))
                decided = min(decided, first_start)
            else:
                decided = min(today, received + timedelta(days=rng.randint(5, 50)))
            if status == FamilyStatus.WAITING:
                decided = min(today, max(received, today - timedelta(days=rng.randint(1, 40))))
            request.status, request.decided_on = RequestStatus.DECIDED, decided
            if (decided - received).days > 31 and rng.random() < 0.6:
                request.preliminary_reply_sent_on = received + timedelta(days=rng.randint(20, 30))
                request.preliminary_reply_expected_by = decided + timedelta(days=rng.randint(0, 10))
                request.preliminary_reply_text = ("Foreløpig svar: Vi venter på opplysninger og regner med å gi "
                                                  "svar innen to uker. (forvaltningsloven § 11 a)")
            plan.update(assess=True, decided=decided, granted=status != FamilyStatus.REFUSED, rows=rows)
        requests.append(request)
        plans.append(plan)

    asked_again = _asked_again(ctx, plans)
    requests.extend(asked_again)

    bulk_insert(PublicRequest, publics, batch_size=BATCH)
    for request in requests:
        public = getattr(request, "_public", None)
        if public is not None:
            request.public_request = public
    bulk_insert(Request, requests, batch_size=BATCH)

    # assessments and their criteria
    assessments: list[Assessment] = []
    for plan in plans:
        if not plan.get("assess"):
            continue
        request, family = plan["request"], plan["family"]
        granted = plan.get("granted")
        when = plan.get("decided") or min(today, plan["received"] + timedelta(days=rng.randint(3, 20)))
        pool = caseworkers.get(family.municipality_id) or [None]
        assessor = pool[0] if plan["is_demo"] else rng.choice(pool)
        assessment = Assessment(
            request=request, family=family, municipality_id=family.municipality_id, assessed_by=assessor,
            created_at=ctx.aware(when, 9), updated_at=ctx.aware(when, 11),
            recommendation=(Recommendation.GRANT if granted else Recommendation.REFUSE) if "granted" in plan else "",
            conclusion=("Vilkårene er oppfylt." if granted else "Vilkårene er ikke oppfylt.") if "granted" in plan else "")
        if plan["is_demo"]:
            assessment.navigator_snapshot = ("Familien har hjelpestønad. Avlastning og grunnstønad er sannsynlig "
                                             "aktuelt; pleiepenger ved sykehusinnleggelser. Aktuell "
                                             "brukerorganisasjon: Cerebral Parese-foreningen.")
            assessment.navigator_source = "manual"
            assessment.navigator_snapshot_at = ctx.aware(when, 10)
            assessment.conclusion = ("Alle vilkår er oppfylt. Familien har behov for samordning av fem tjenester "
                                     "over lang tid.")
        plan["assessment"] = assessment
        plan["assessor"] = assessor
        assessments.append(assessment)
    bulk_insert(Assessment, assessments, batch_size=BATCH)

    lines: list[CriterionAssessment] = []
    for plan in plans:
        assessment = plan.get("assessment")
        if assessment is None:
            continue
        family = plan["family"]
        granted = plan.get("granted")
        failing = None if granted or "granted" not in plan else rng.choice(["condition", "services"])
        child = children.get(family.pk)
        for row in LEGAL_CRITERIA:
            if "granted" not in plan and rng.random() < 0.4:
                continue  # still being assessed
            met = row.legal_key != failing
            why = ""
            if row.legal_key == "condition" and child:
                why = child[2]
            elif row.legal_key == "services":
                why = ("Skole, PPT, fysioterapi og HABU er involvert." if met
                       else "Barnet har i dag få tjenester, og de fungerer godt sammen.")
            elif row.legal_key == "child" and child:
                why = f"{child[1]} er under 18 år."
            lines.append(CriterionAssessment(
                assessment=assessment, family=family, municipality_id=family.municipality_id,
                legal_key=row.legal_key, label=str(row.label),
                result=CriterionResult.MET if met else CriterionResult.NOT_MET, justification=why))
        for criterion in local_by_m.get(family.municipality_id, []):
            if "granted" not in plan:
                continue
            result = CriterionResult.MET if granted or rng.random() < 0.4 else rng.choice(
                [CriterionResult.NOT_MET, CriterionResult.UNCLEAR])
            lines.append(CriterionAssessment(
                assessment=assessment, family=family, municipality_id=family.municipality_id,
                local_criterion=criterion, label=criterion.title, result=result,
                justification="" if result == CriterionResult.MET else "Usikkert ut fra opplysningene."))
    bulk_insert(CriterionAssessment, lines, batch_size=BATCH)

    # decisions
    decisions: list[Vedtak] = []
    for plan in plans:
        if "granted" not in plan:
            continue
        family, request = plan["family"], plan["request"]
        decided = plan["decided"]
        notified = decided + timedelta(days=rng.choice([0, 0, 1, 2]))
        deadline = appeal_deadline(notified, BARNEKOORDINATOR_BASIS)
        child = children.get(family.pk)
        granted = plan["granted"]
        facts = ((f"{child[1]}: {child[2]} " if child else "") + (
            "Familien har kontakt med flere tjenester og bruker mye tid på å samordne dem." if granted
            else rng.choice(REFUSED_FACTS)))
        considerations = rng.choice(GRANTED_CONSIDERATIONS if granted else REFUSED_CONSIDERATIONS)
        if plan["is_demo"] and story is not None:
            facts = story.fill("{child} ({age} år) har cerebral parese og epilepsi. {Pronoun} får tjenester fra "
                               "{school}, PPT, fysioterapitjenesten, HABU og helsestasjonen. Foreldrene bor hver for "
                               "seg og koordinerer tjenestene selv.", on=decided)
            considerations = story.fill("{child} har behov for langvarige og sammensatte tjenester fra flere "
                                        "sektorer. Vi har lagt vekt på hva tilstanden betyr for {child} og familien "
                                        "i hverdagen, og på at foreldrene ønsker én person som holder oversikten.")
        decider = plan.get("assessor") or rng.choice(caseworkers.get(family.municipality_id) or [None])
        if decider is None:
            continue
        vedtak = Vedtak(
            request=request, family=family, municipality_id=family.municipality_id,
            outcome=Outcome.GRANTED if granted else Outcome.REFUSED, legal_basis=BARNEKOORDINATOR_BASIS,
            rules=RULES, facts=facts, considerations=considerations, decided_by=decider,
            decided_at=ctx.aware(decided, 13), decision_date=decided, notified_on=notified,
            appeal_deadline=deadline.deadline, appeal_deadline_nominal=deadline.nominal_deadline,
            appeal_weeks=deadline.weeks, appeal_rule=str(deadline.rule), appeal_body=str(deadline.appeal_body))
        plan["vedtak"] = vedtak
        decisions.append(vedtak)
    bulk_insert(Vedtak, decisions, batch_size=BATCH)

    # appeals against some refusals
    appeals: list[Appeal] = []
    for plan in plans:
        vedtak = plan.get("vedtak")
        if vedtak is None or vedtak.outcome != Outcome.REFUSED or rng.random() > 0.33:
            continue
        received = min(today, vedtak.notified_on + timedelta(days=rng.randint(3, 25)))
        appeal = Appeal(vedtak=vedtak, family=plan["family"], municipality_id=vedtak.municipality_id,
                        received=received, in_time=received <= vedtak.appeal_deadline,
                        grounds=rng.choice(APPEAL_GROUNDS), registered_by=vedtak.decided_by,
                        registered_at=ctx.aware(received, 12))
        age = (today - received).days
        if age > 14:
            appeal.reassessment = "Klagen gir ikke grunnlag for å endre vedtaket. Saken sendes statsforvalteren."
            appeal.reassessed_by, appeal.reassessed_on = vedtak.decided_by, received + timedelta(days=rng.randint(5, 14))
            appeal.status, appeal.sent_on = AppealStatus.SENT, appeal.reassessed_on
            governor_day = appeal.sent_on + timedelta(days=rng.randint(30, 120))
            if governor_day <= today:
                appeal.status = AppealStatus.DECIDED
                appeal.governor_outcome, appeal.governor_decided_on = GovernorOutcome.UPHELD, governor_day
                appeal.governor_note = "Statsforvalteren er enig i kommunens vurdering."
        appeals.append(appeal)
    bulk_insert(Appeal, appeals, batch_size=BATCH)

    # appointments for every existing assignment, handovers for changes, endings for closed families
    appointments: list[Appointment] = []
    handovers: list[HandoverTask] = []
    endings: list[Ending] = []
    for plan in plans:
        rows = plan.get("rows") or []
        family = plan["family"]
        pool = caseworkers.get(family.municipality_id) or [None]
        child = children.get(family.pk)
        previous = None
        for row in rows:
            _fid, assignment_id, _coordinator_id, started, ended, end_reason = row
            wishes = ("Ønsker en koordinator som kjenner skolen, og kontakt helst på SMS." if plan["is_demo"]
                      else rng.choice(WISHES))
            appointments.append(Appointment(
                family=family, municipality_id=family.municipality_id, assignment_id=assignment_id,
                vedtak=plan.get("vedtak") if previous is None else None, appointed_by=rng.choice(pool),
                appointed_at=ctx.aware(started, 9), family_wishes=wishes if previous is None else "",
                reasons=rng.choice(APPOINTMENT_REASONS), is_change=previous is not None,
                change_reason=(previous[5] or "Bytte av barnekoordinator") if previous is not None else ""))
            if previous is not None:
                summary = (f"Oppsummering for {family.display_name} ({family.reference}).\n"
                           + (f"{child[1]}: {child[2]}\n" if child else "")
                           + f"Barnekoordinator fra {previous[3]:%d.%m.%Y} til {previous[4]:%d.%m.%Y}.\n"
                           + "Se individuell plan, møter og tjenestekart i Los.")
                handovers.append(HandoverTask(
                    family=family, municipality_id=family.municipality_id, from_assignment_id=previous[1],
                    to_assignment_id=assignment_id, summary=summary, created_at=ctx.aware(started, 9),
                    due_on=started + timedelta(days=14),
                    done_at=ctx.aware(min(today, started + timedelta(days=rng.randint(3, 20))), 15)))
            previous = row
        if family.status == FamilyStatus.CLOSED and rows:
            last = rows[-1]
            ended = last[4] or (family.closed_at.date() if family.closed_at else today)
            reason = EndReason.FAMILY_WISH if "ønske" in (last[5] or "") else rng.choice(list(EndReason))
            endings.append(Ending(
                family=family, municipality_id=family.municipality_id, assignment_id=last[1], reason=reason,
                ended_on=ended, closing_summary=rng.choice(CLOSING), ended_by=rng.choice(pool),
                created_at=ctx.aware(ended, 14),
                transition=("Ordinær koordinator i helsetjenesten er oppnevnt; NAV og fastlege er orientert."
                            if reason == EndReason.AGE_18 else "")))
    bulk_insert(Appointment, appointments, batch_size=BATCH)
    bulk_insert(HandoverTask, handovers, batch_size=BATCH)
    bulk_insert(Ending, endings, batch_size=BATCH)

    if asked_again:
        Family.objects.filter(pk__in=[r.family_id for r in asked_again]).update(status=FamilyStatus.REQUESTED)

    # two requests on the public form that nobody has confirmed yet (invisible to the municipality)
    if demo is not None:
        from los.core import fnr

        bulk_insert(PublicRequest, [
            PublicRequest(municipality_id=demo.municipality_id, reference=f"N-DEMOU{i:05d}",
                          submitted_at=ctx.aware(today - timedelta(days=days), 21), sender_name=name,
                          sender_fodselsnummer=fnr.generate(date(1986 + i, 3, 14), rng), sender_relation="mother",
                          child_name=child_name, description="Vi lurer på om vi kan få barnekoordinator.")
            for i, (days, name, child_name) in enumerate([(2, "Ida Lunde", "Nora Lunde"),
                                                          (9, "Sara Dahl", "Oskar Dahl")], start=1)
        ])


def _asked_again(ctx: DemoContext, plans: list[dict]) -> list[Request]:
    """Families refused long ago who ask again, so that every coordinating unit has a queue to work on.

    The core seed makes few families with the status *requested* (a family is only that for its first weeks),
    so in each municipality with fewer than 3 % of its families in the queue, some families refused at
    least four months ago (at most half of those refused) send a new request (received 3–41 days ago, so some are near or past the one-month
    point) and their status becomes *requested*, as :func:`los.referrals.services.ask_for_coordinator` does.
    """
    rng, today = ctx.rng, ctx.today
    by_m: dict[int, list[dict]] = {}
    for plan in plans:
        by_m.setdefault(plan["family"].municipality_id, []).append(plan)
    out = []
    for group in by_m.values():
        requested = sum(1 for p in group if p["family"].status == FamilyStatus.REQUESTED)
        target = max(3, round(len(group) * 0.03))
        refused = [p for p in group if p["family"].status == FamilyStatus.REFUSED]
        candidates = [p for p in refused if p["decided"] <= today - timedelta(days=120)]
        for plan in candidates[:max(0, min(target - requested, len(refused) // 2))]:
            family = plan["family"]
            received = today - timedelta(days=rng.choice([3, 9, 16, 24, 27, 30, 33, 41]))
            request = Request(family=family, municipality_id=family.municipality_id, source=RequestSource.FAMILY,
                              received=received, received_at=ctx.aware(received, 19),
                              description="Ny henvendelse: situasjonen har endret seg, og barnet har nå flere "
                                          "tjenester. Vi ber om en ny vurdering.",
                              consent_by_member_id=plan["request"].consent_by_member_id,
                              consent_by_name=plan["request"].consent_by_name,
                              consent_method=ConsentMethod.DIGITAL, consent_given_on=received,
                              submitter_name=plan["request"].consent_by_name)
            family.status = FamilyStatus.REQUESTED
            out.append(request)
    return out
