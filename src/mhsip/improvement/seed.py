"""The seed change-idea catalogue (domain brief §4; NCCMH ideas, §3).

Names match :data:`mhsip.demo.parameters.DemoParameters.change_ideas` exactly, so the demo's PDSA
cycles find their ideas here. Each idea has a one-line purpose and its source.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

SAFEWARDS_REF = (
    "Bowers L et al., Safewards (cluster RCT: conflict -15%, containment -24%); definitions: "
    "https://trialsjournal.biomedcentral.com/articles/10.1186/s13063-017-2189-8/tables/2"
)
SIX_CORE_REF = (
    "NASMHPD Six Core Strategies: "
    "https://omh.ny.gov/omhweb/dqm/restraint-seclusion/corestrategies.html"
)
NO_FORCE_FIRST_REF = (
    "Mersey Care NHS Foundation Trust, No Force First: "
    "https://www.merseycare.nhs.uk/health-and-wellbeing/what-recovery/no-force-first"
)
NCCMH_REF = (
    "NCCMH Reducing Restrictive Practice collaborative, ideas for changing practice: "
    "https://www.rcpsych.ac.uk/improving-care/nccmh/quality-improvement-programmes/"
    "MHSIP-reducing-restrictive-practice/reducing-restrictive-practice"
)

_SAFEWARDS = [
    ("Clear Mutual Expectations",
     "Staff and patients agree shared expectations of each other, displayed on the ward."),
    ("Soft Words",
     "Scripts and prompts for respectful wording when saying no, setting limits or making "
     "demands."),
    ("Talk Down", "De-escalation techniques, from basic to advanced, with a poster and coaching."),
    ("Positive Words", "Say something positive about each patient at handover."),
    ("Bad News Mitigation",
     "Anticipate and soften upsetting news (calls, tribunal or treatment decisions) and "
     "support the patient afterwards."),
    ("Know Each Other",
     "Staff and patients share non-clinical personal profiles (interests, likes)."),
    ("Mutual Help Meeting",
     "A regular, voluntary meeting for thanks, news, suggestions, requests and offers of "
     "help."),
    ("Calm Down Methods",
     "A box of calming and sensory options offered before PRN medication or coercion."),
    ("Reassurance",
     "After an incident, staff talk with every patient, in a group or one to one, to explain "
     "and reassure."),
    ("Discharge Messages",
     "Patients leaving the ward leave hopeful messages for others on a board or tree."),
]  # fmt: skip

_SIX_CORE = [
    ("Leadership toward organisational change",
     "Senior leaders set the aim of reducing restraint and seclusion, review every use and "
     "hold the plan to account."),
    ("Using data to inform practice",
     "Review the ward's use of restrictive practice (by shift, person and staff) to set aims "
     "and track change."),
    ("Workforce development",
     "Train staff in trauma-informed, recovery-oriented care and de-escalation, and build it "
     "into supervision."),
    ("Use of restraint and seclusion reduction tools",
     "Trauma and risk assessments, de-escalation and safety plans, sensory and calming "
     "rooms."),
    ("Full inclusion of service users",
     "People with lived experience and families take part in roles within the ward."),
    ("Debriefing techniques",
     "Analyse each event afterwards with staff and the patient, to prevent it happening again "
     "and reduce trauma."),
]  # fmt: skip

_NO_FORCE_FIRST = [
    ("No Force First",
     "A co-produced, relationship-centred approach aiming to end restraint, with experts by "
     "experience, safety plans, PDSA cycles and SPC charts."),
    ("Safety plans co-produced with patients",
     "Plans written with the patient about what helps and what to avoid, replacing staff-only "
     "risk assessments."),
    ("Peer support workers on the ward",
     "People with lived experience work on the ward, supporting patients and staff to avoid "
     "force."),
]  # fmt: skip

_RRP = [
    ("Post-incident review with the patient",
     "A structured conversation with the patient after force is used: what happened, how it "
     "felt, what could be different."),
    ("Trauma-informed care",
     "Staff recognise the effects of trauma and avoid practices that re-traumatise."),
    ("Sensory room",
     "A calm room and sensory tools (sensory modulation) that patients can use to manage "
     "distress."),
    ("Positive behaviour support",
     "Understand what a behaviour communicates and change the support and environment to meet "
     "that need (Flip the Triangle)."),
    ("Collaborative care planning",
     "Care plans written with the patient, in the patient's own words."),
    ("Safety huddle",
     "A short daily team meeting to spot who may be distressed or at risk and plan support."),
    ("Reducing blanket restrictions",
     "Review rules applied to everyone (locked doors, banned items, set times) and remove "
     "those not justified for each person."),
    ("REsTRAIN YOURSELF",
     "The North West England restraint-reduction programme based on the Six Core "
     "Strategies."),
    ("Ward-round preparation sheets",
     "Help patients prepare what they want to say and ask before the ward round."),
    ("Knowing patient preferences",
     "Record what each patient finds calming or upsetting and share it at handover."),
    ("Ward environment changes",
     "Change the ward's layout, noise, light and spaces so that it feels calmer and safer."),
    ("Meaningful activities",
     "Planned activities every day of the week, evenings and weekends included."),
    ("Recovery tree mural",
     "A mural where patients and staff record hopes and achievements."),
]  # fmt: skip


def _ideas() -> list[dict[str, Any]]:
    groups = [
        ("safewards", SAFEWARDS_REF, _SAFEWARDS, 100),
        ("six_core_strategies", SIX_CORE_REF, _SIX_CORE, 200),
        ("no_force_first", NO_FORCE_FIRST_REF, _NO_FORCE_FIRST, 300),
        ("rrp", NCCMH_REF + " (domain brief §3, §4.3)", _RRP, 400),
    ]
    out = []
    for source, reference, items, base in groups:
        for i, (name, purpose) in enumerate(items):
            out.append(
                {
                    "slug": slugify(name),
                    "name": name,
                    "purpose": purpose,
                    "source": source,
                    "reference": reference,
                    "order": base + i,
                }
            )
    return out


#: The seeded catalogue: Safewards' ten interventions, the Six Core Strategies, No Force First
#: and common reducing-restrictive-practice ideas.
SEED_CHANGE_IDEAS: list[dict[str, Any]] = _ideas()
