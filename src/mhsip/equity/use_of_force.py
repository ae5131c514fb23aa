"""Use of Force Act annual statistics for each unit (ward) and the collaborative.

The Mental Health Units (Use of Force) Act 2018 requires annual statistics on the use of force,
analysed by the recorded items including the patients' relevant characteristics (ss.7-8; domain
brief §1.4: the exact enacted wording was not retrieved, UNVERIFIED).
:func:`use_of_force_statistics` gives, for a year (the NHS financial year on the page) and each
unit in scope:

* a summary: use-of-force incidents (MHSDS MHS136), restrictive interventions (distinct
  incident x type pairs, MHS77), people (MHS76), occupied bed days and rates per 1,000 bed days
  (MHS96 style);
* interventions by type of force: the Act's categories (s.1(6): physical, mechanical, chemical
  restraint, isolation) and the MHSDS RESTRICTIVE INTERVENTION TYPE codes (domain §2.2), counts
  and rates per 1,000 occupied bed days;
* interventions by duration band, with the national bands (domain §2.4; NHS England's
  ``Restraints_Prep.py``): physical, chemical and mechanical restraint 0-10, 11-30, 31-60 and
  over 60 minutes; seclusion up to 24 hours, 24-72 hours, 72 hours-7 days, 1-2 weeks, 2-4 weeks,
  1-3 months, over 3 months; segregation up to 1 month, 1-3, 3-6, 6-12 months, over 12 months;
  plus "no end time" (still in progress or not recorded). The national code compares whole
  minutes/days with ``BETWEEN``, which leaves fractional values unbanded; here each band runs up
  to and including its upper bound (10.5 minutes is "11-30"), a month is 30 days for segregation
  and seclusion bands use 28 and 90 days as the code does;
* interventions by the reason recorded for the incident (MHSDS RESTRICTIVE INTERVENTION REASON,
  domain §2.3);
* interventions by each relevant characteristic (s.6(5)(k)-(l)), counts and rates per 1,000
  occupied bed days of patients in that group on that unit (within-service).

Every count table shares the unit totals, and the type, category and duration tables add up to
each other, so disclosure control is done across them all at once
(:class:`mhsip.equity.linked.LinkedDisclosure`). Network members see the collaborative row
only; recording roles looking at their own wards see unsuppressed figures except for ethnicity
(ward-level ethnicity is always disclosure-controlled); CSV exports are always controlled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from mhsip.equity import tables
from mhsip.equity.characteristics import CHARACTERISTICS, ETHNICITY, ETHNICITY_DETAILED
from mhsip.equity.compute import BED_DAY_MULTIPLIER, bed_days_by_month
from mhsip.equity.frames import FIELDS, PairRows, pair_rows, stay_rows
from mhsip.equity.linked import LinkedDisclosure
from mhsip.equity.services import RULE, Scope
from mhsip.recording.codes import (
    ACT_CATEGORY,
    InterventionReason,
    InterventionType,
    ethnic_group,
)
from mhsip.stats import DisclosedCounts, DisclosureRule, disclose_counts, disclose_rates

ACT_CATEGORIES = (
    ("physical", "Physical restraint"),
    ("mechanical", "Mechanical restraint"),
    ("chemical", "Chemical restraint"),
    ("isolation", "Isolation (seclusion or segregation)"),
)
TYPE_ORDER = tuple(
    sorted(
        InterventionType.values,
        key=lambda c: ([k for k, _ in ACT_CATEGORIES].index(ACT_CATEGORY[c]), c),
    )
)
NO_END = ("no_end", "No end time (in progress or not recorded)")
DAY = 24 * 60.0
RESTRAINT_BANDS = (
    ("0_10", "0 to 10 minutes", 10.0),
    ("11_30", "11 to 30 minutes", 30.0),
    ("31_60", "31 to 60 minutes", 60.0),
    ("60_plus", "Over 60 minutes", np.inf),
)
SECLUSION_BANDS = (
    ("0_24h", "Up to 24 hours", DAY),
    ("24_72h", "24 to 72 hours", 3 * DAY),
    ("72h_7d", "72 hours to 7 days", 7 * DAY),
    ("1_2w", "1 to 2 weeks", 14 * DAY),
    ("2_4w", "2 to 4 weeks", 28 * DAY),
    ("1_3m", "1 to 3 months", 90 * DAY),
    ("3m_plus", "Over 3 months", np.inf),
)
SEGREGATION_BANDS = (
    ("0_1m", "Up to 1 month", 30 * DAY),
    ("1_3m", "1 to 3 months", 90 * DAY),
    ("3_6m", "3 to 6 months", 180 * DAY),
    ("6_12m", "6 to 12 months", 365 * DAY),
    ("12m_plus", "Over 12 months", np.inf),
)
DURATION_FAMILIES = (
    (
        "duration_restraint",
        "physical, chemical and mechanical restraint",
        RESTRAINT_BANDS,
        frozenset(c for c, cat in ACT_CATEGORY.items() if cat != "isolation"),
    ),
    ("duration_seclusion", "seclusion", SECLUSION_BANDS, frozenset({"05"})),
    ("duration_segregation", "segregation", SEGREGATION_BANDS, frozenset({"06"})),
)


def duration_band(minutes: np.ndarray, bands: tuple[tuple[str, str, float], ...]) -> np.ndarray:
    """Band key of each duration (minutes); NaN (no end time) is :data:`NO_END`.

    >>> duration_band(np.array([0, 10, 10.5, 61, np.nan]), RESTRAINT_BANDS).tolist()
    ['0_10', '0_10', '11_30', '60_plus', 'no_end']
    """
    m = np.asarray(minutes, float)
    out = np.full(m.shape, NO_END[0], dtype=object)
    done = np.isnan(m)
    for key, _label, upper in bands:
        hit = ~done & (m <= upper)
        out[hit] = key
        done |= hit
    return out


@dataclass(frozen=True)
class UseOfForceStatistics:
    """The annual statistics as shown; ``tables`` in page order. ``rule`` is ``None`` when
    the reader sees unsuppressed figures (ethnicity tables are controlled even then)."""

    scope: Scope
    start: dt.date
    end: dt.date
    rule: DisclosureRule | None
    show_units: bool
    unit_labels: tuple[str, ...]
    tables: tuple[tables.Table, ...]
    published_counts: dict[str, DisclosedCounts]
    linked: LinkedDisclosure | None

    @property
    def published(self) -> bool:
        return self.rule is not None

    def table(self, key: str) -> tables.Table:
        return next(t for t in self.tables if t.key == key)


@dataclass(frozen=True)
class _Cross:
    key: str
    caption: str
    groups: tuple[tuple[str, str], ...]
    counts: np.ndarray  # (units, groups)
    bed_days: np.ndarray | None = None  # (units, groups) for within-service rates by group
    rate_denominator: str = ""
    always_controlled: bool = False


def _cross(
    unit_index: np.ndarray, n_units: int, labels: np.ndarray, groups: tuple[tuple[str, str], ...]
) -> np.ndarray:
    keys = [k for k, _ in groups]
    pos = {k: i for i, k in enumerate(keys)}
    gi = np.array([pos[str(v)] for v in labels], dtype=np.int64)
    out = np.zeros((n_units, len(keys)))
    np.add.at(out, (unit_index, gi), 1.0)
    return out


def use_of_force_statistics(
    scope: Scope,
    start: dt.date,
    end: dt.date,
    *,
    rule: DisclosureRule | None = RULE,
    show_units: bool = True,
) -> UseOfForceStatistics:
    """Use of Force Act statistics of ``scope`` for ``start..end``.

    ``show_units=False`` gives the collaborative (scope) totals only, as network members see
    them. ``rule=None``: unsuppressed except ethnicity.
    """
    wards = list(scope.wards)
    ward_pos = {w.pk: i for i, w in enumerate(wards)}
    if show_units:
        unit_labels = tuple(w.name for w in wards)
        n_units = len(wards)

        def unit_of(ward_ids: np.ndarray) -> np.ndarray:
            return np.array([ward_pos[int(w)] for w in ward_ids], dtype=np.int64)
    else:
        unit_labels = (scope.label,)
        n_units = 1

        def unit_of(ward_ids: np.ndarray) -> np.ndarray:
            return np.zeros(len(ward_ids), dtype=np.int64)

    pairs = pair_rows(scope.ward_ids, start, end, FIELDS)
    stays = stay_rows(scope.ward_ids, start, end, FIELDS)
    units = unit_of(pairs.ward)
    months, days = bed_days_by_month(stays.admitted, stays.discharged, start, end)
    stay_units = unit_of(stays.ward)
    unit_bed_days = np.bincount(stay_units, weights=days.sum(axis=1), minlength=n_units)
    incidents = _incidents_per_unit(pairs, units, n_units)
    interventions = np.bincount(units, minlength=n_units).astype(float)
    people = _people_per_unit(pairs, units, n_units)

    crosses = [
        _Cross(
            "category",
            "Restrictive interventions by type of force (Act category)",
            ACT_CATEGORIES,
            _cross(
                units,
                n_units,
                np.array([ACT_CATEGORY[c] for c in pairs.type_code], dtype=object),
                ACT_CATEGORIES,
            ),
        ),
        _Cross(
            "type",
            "Restrictive interventions by MHSDS intervention type",
            tuple((c, str(InterventionType(c).label)) for c in TYPE_ORDER),
            _cross(units, n_units, pairs.type_code, tuple((c, c) for c in TYPE_ORDER)),
        ),
    ]
    for key, what, bands, codes in DURATION_FAMILIES:
        mask = np.isin(pairs.type_code, list(codes))
        groups = (*((k, label) for k, label, _ in bands), NO_END)
        crosses.append(
            _Cross(
                key,
                f"Duration of {what}",
                groups,
                _cross(units[mask], n_units, duration_band(pairs.minutes[mask], bands), groups),
            )
        )
    reasons = tuple((str(v), str(label)) for v, label in InterventionReason.choices)
    crosses.append(
        _Cross(
            "reason",
            "Restrictive interventions by reason for the use of force",
            reasons,
            _cross(units, n_units, pairs.reason, reasons),
        )
    )
    for c in CHARACTERISTICS.values():
        if c.key == ETHNICITY_DETAILED.key:
            continue
        years = pairs.month.astype("datetime64[Y]").astype(int) + 1970
        labels = c.classify(pairs.values[c.field], years)
        stay_bd = _group_bed_days(c, stays, stay_units, months, days, n_units)
        crosses.append(
            _Cross(
                f"characteristic:{c.key}",
                f"Restrictive interventions by {c.label.lower()}",
                c.groups,
                _cross(units, n_units, labels, c.groups),
                bed_days=stay_bd,
                always_controlled=c.key == ETHNICITY.key,
            )
        )
    detailed = ETHNICITY_DETAILED.classify(pairs.values["ethnicity"], np.zeros(len(pairs)))
    detailed_counts = _cross(
        np.zeros(len(pairs), np.int64), 1, detailed, ETHNICITY_DETAILED.groups
    )[0]

    linked, published = _disclose(rule, crosses, interventions, incidents, detailed_counts)
    out_tables = [
        _summary_table(
            unit_labels, incidents, interventions, people, unit_bed_days, published, rule
        ),
        *_cross_tables(crosses, unit_labels, unit_bed_days, published, rule),
        _detailed_table(detailed_counts, published),
    ]
    return UseOfForceStatistics(
        scope=scope,
        start=start,
        end=end,
        rule=rule,
        show_units=show_units,
        unit_labels=unit_labels,
        tables=tuple(out_tables),
        published_counts=published,
        linked=linked,
    )


def _incidents_per_unit(pairs: PairRows, units: np.ndarray, n_units: int) -> np.ndarray:
    if len(pairs) == 0:
        return np.zeros(n_units)
    uniq = np.unique(np.stack([units, pairs.incident], axis=1), axis=0)
    return np.bincount(uniq[:, 0], minlength=n_units).astype(float)


def _people_per_unit(pairs: PairRows, units: np.ndarray, n_units: int) -> np.ndarray:
    """Distinct people per unit, and (last) in the whole scope."""
    if len(pairs) == 0:
        return np.zeros(n_units + 1)
    uniq = np.unique(np.stack([units, pairs.patient], axis=1), axis=0)
    per_unit = np.bincount(uniq[:, 0], minlength=n_units).astype(float)
    return np.append(per_unit, float(np.unique(pairs.patient).size))


def _group_bed_days(c, stays, stay_units, months, days, n_units) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Bed days per (unit, group of ``c``): each stay-month attributed to the group."""
    si, mi = np.nonzero(days)
    years = months[mi].astype("datetime64[Y]").astype(int) + 1970
    labels = c.classify(stays.values[c.field][si], years)
    pos = {k: i for i, k in enumerate(c.group_keys)}
    gi = np.array([pos[str(v)] for v in labels], dtype=np.int64)
    out = np.zeros((n_units, len(c.group_keys)))
    np.add.at(out, (stay_units[si], gi), days[si, mi].astype(float))
    return out


# --- disclosure ---------------------------------------------------------------------------------


def _disclose(
    rule: DisclosureRule | None,
    crosses: list[_Cross],
    interventions: np.ndarray,
    incidents: np.ndarray,
    detailed: np.ndarray,
) -> tuple[LinkedDisclosure, dict[str, DisclosedCounts]]:
    """Disclosure control of every count table, linked (see the module notes).

    Unsuppressed (``rule`` None): only the ethnicity tables are controlled, with the unit
    totals known exactly (they are shown unsuppressed elsewhere on the page).
    """
    linked = LinkedDisclosure(RULE)
    controlled = [x for x in crosses if rule is not None or x.always_controlled]
    if rule is None:
        linked.known("units", interventions)
    else:
        linked.vector("units", interventions)
        linked.vector("incidents", incidents)
    for x in controlled:
        linked.table(x.key, x.counts)
        for u in range(interventions.size):
            if not x.key.startswith("duration_"):
                linked.same((x.key, u, -1), ("units", u))
        if not x.key.startswith("duration_"):
            linked.same((x.key, -1, -1), ("units", -1))
    names = {x.key for x in controlled}
    if {"category", "type"} <= names:
        cat_keys = [k for k, _ in ACT_CATEGORIES]
        for ci, cat in enumerate(cat_keys):
            parts = [ti for ti, code in enumerate(TYPE_ORDER) if ACT_CATEGORY[code] == cat]
            for u in [*range(interventions.size), -1]:
                linked.sums(("category", u, ci), [("type", u, ti) for ti in parts])
        for key, _what, _bands, codes in DURATION_FAMILIES:
            parts = [ti for ti, code in enumerate(TYPE_ORDER) if code in codes]
            for u in [*range(interventions.size), -1]:
                linked.sums((key, u, -1), [("type", u, ti) for ti in parts])
    eth = f"characteristic:{ETHNICITY.key}"
    if eth in names:
        linked.vector("ethnicity_detailed", detailed)
        codes = ETHNICITY_DETAILED.group_keys
        for gi, g in enumerate(ETHNICITY.group_keys):
            parts = [i for i, code in enumerate(codes) if str(ethnic_group(code).value) == g]
            linked.sums((eth, -1, gi), [("ethnicity_detailed", i) for i in parts])
        linked.same((eth, -1, -1), ("ethnicity_detailed", -1))
    return linked, linked.solve()


def _augment(cells: np.ndarray) -> np.ndarray:
    top = np.concatenate([cells, cells.sum(axis=1, keepdims=True)], axis=1)
    return np.concatenate([top, top.sum(axis=0, keepdims=True)], axis=0)


def _summary_table(
    unit_labels, incidents, interventions, people, bed_days, published, rule
) -> tables.Table:  # type: ignore[no-untyped-def]
    cols = (
        tables.Column("unit", "Unit", "label"),
        tables.Column("incidents", "Use-of-force incidents", "count"),
        tables.Column("interventions", "Restrictive interventions", "count"),
        tables.Column("people", "People subject to restrictive intervention", "count"),
        tables.Column("bed_days", "Occupied bed days", "bed_days"),
        tables.Column("rate", "Restrictive interventions per 1,000 occupied bed days", "rate"),
        tables.Column("incident_rate", "Incidents per 1,000 occupied bed days", "rate"),
    )
    raw_iv = np.append(interventions, interventions.sum())
    raw_inc = np.append(incidents, incidents.sum())
    bd = np.append(bed_days, bed_days.sum())
    if rule is not None:
        iv_vals, iv_hidden = published["units"].values, published["units"].suppressed
        inc_vals, inc_hidden = published["incidents"].values, published["incidents"].suppressed
        ppl = disclose_counts(people, rule=rule)
        ppl_vals, ppl_hidden = ppl.values, ppl.suppressed
        rates = disclose_rates(
            raw_iv,
            bd,
            rule=rule,
            decimals=1,
            people=people,
            numerator_suppressed=iv_hidden | ppl_hidden,
        )
        inc_rates = disclose_rates(
            raw_inc, bd, rule=rule, decimals=1, numerator_suppressed=inc_hidden
        )
        r_vals, r_hidden = rates.values, rates.suppressed
        ir_vals, ir_hidden = inc_rates.values, inc_rates.suppressed
    else:
        iv_vals, iv_hidden = raw_iv, np.zeros(raw_iv.size, bool)
        inc_vals, inc_hidden = raw_inc, np.zeros(raw_inc.size, bool)
        ppl_vals, ppl_hidden = people, np.zeros(people.size, bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            r_vals = np.where(bd > 0, raw_iv / bd * BED_DAY_MULTIPLIER, np.nan)
            ir_vals = np.where(bd > 0, raw_inc / bd * BED_DAY_MULTIPLIER, np.nan)
        r_hidden = ir_hidden = np.zeros(bd.size, bool)
    marker = rule.marker if rule else "*"
    rows = []
    for i, name in enumerate([*unit_labels, "Total"]):
        rows.append(
            (
                tables.label(name),
                tables.count_cell(raw_inc[i], inc_vals[i], bool(inc_hidden[i]), marker),
                tables.count_cell(raw_iv[i], iv_vals[i], bool(iv_hidden[i]), marker),
                tables.count_cell(people[i], ppl_vals[i], bool(ppl_hidden[i]), marker),
                tables.figure_cell("bed_days", bd[i], 0, empty="0"),
                tables.figure_cell(
                    "rate",
                    r_vals[i],
                    1,
                    suppressed=bool(r_hidden[i]),
                    marker=marker,
                    raw=raw_iv[i] / bd[i] * 1000 if bd[i] else None,
                ),
                tables.figure_cell(
                    "rate",
                    ir_vals[i],
                    1,
                    suppressed=bool(ir_hidden[i]),
                    marker=marker,
                    raw=raw_inc[i] / bd[i] * 1000 if bd[i] else None,
                ),
            )
        )
    return tables.Table(
        key="summary",
        caption="Use of force by unit",
        columns=cols,
        rows=tuple(rows),
        rule=rule,
        denominator="per 1,000 occupied bed days",
        total_row=True,
        notes=(
            "Restrictive interventions are distinct incident x type pairs (MHSDS MHS77); "
            "incidents MHS136; people MHS76 (the total counts each person once).",
        ),
    )


def _cross_tables(crosses, unit_labels, unit_bed_days, published, rule):  # type: ignore[no-untyped-def]
    out = []
    for x in crosses:
        raw = _augment(x.counts)
        controlled = rule is not None or x.always_controlled
        if controlled:
            d = published[x.key]
            vals, hidden, t_rule = d.values, d.suppressed, d.rule
        else:
            vals, hidden, t_rule = raw, np.zeros(raw.shape, bool), None
        marker = t_rule.marker if t_rule else "*"
        cols = (
            tables.Column("unit", "Unit", "label"),
            *(tables.Column(k, label, "count") for k, label in x.groups),
            tables.Column("total", "Total", "count"),
        )
        rows = []
        for i, name in enumerate([*unit_labels, "Total"]):
            rows.append(
                (
                    tables.label(name),
                    *(
                        tables.count_cell(raw[i, j], vals[i, j], bool(hidden[i, j]), marker)
                        for j in range(raw.shape[1])
                    ),
                )
            )
        out.append(
            tables.Table(
                key=x.key,
                caption=x.caption,
                columns=cols,
                rows=tuple(rows),
                rule=t_rule,
                total_row=True,
                notes=(
                    ("Ethnicity by unit is always disclosure-controlled.",)
                    if x.always_controlled and rule is None
                    else ()
                ),
            )
        )
        out.append(_rate_table(x, unit_labels, unit_bed_days, raw, hidden, t_rule))
    return out


def _rate_table(x, unit_labels, unit_bed_days, raw, hidden, rule):  # type: ignore[no-untyped-def]
    """Rates per 1,000 occupied bed days: of the unit (types, durations, reasons) or of the
    unit's patients in each group (characteristics, within-service)."""
    if x.bed_days is not None:
        den = _augment(x.bed_days)
        denominator = "per 1,000 occupied bed days of patients in this group (within-service)"
    else:
        bd = np.append(unit_bed_days, unit_bed_days.sum())
        den = np.repeat(bd[:, None], raw.shape[1], axis=1)
        denominator = "per 1,000 occupied bed days of the unit"
    if rule is not None:
        d = disclose_rates(raw, den, rule=rule, decimals=1, numerator_suppressed=hidden)
        vals, r_hidden = d.values, d.suppressed
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = np.where(den > 0, raw / den * BED_DAY_MULTIPLIER, np.nan)
        r_hidden = np.zeros(raw.shape, bool)
    marker = rule.marker if rule else "*"
    cols = (
        tables.Column("unit", "Unit", "label"),
        *(tables.Column(k, label, "rate") for k, label in x.groups),
        tables.Column("total", "All", "rate"),
    )
    rows = []
    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rates = np.where(den > 0, raw / den * BED_DAY_MULTIPLIER, np.nan)
    for i, name in enumerate([*unit_labels, "Total"]):
        rows.append(
            (
                tables.label(name),
                *(
                    tables.figure_cell(
                        "rate",
                        vals[i, j],
                        1,
                        suppressed=bool(r_hidden[i, j]),
                        marker=marker,
                        raw=raw_rates[i, j],
                        note="no bed days" if den[i, j] == 0 else "",
                    )
                    for j in range(raw.shape[1])
                ),
            )
        )
    return tables.Table(
        key=f"{x.key}:rate",
        caption=f"{x.caption}: rate",
        columns=cols,
        rows=tuple(rows),
        rule=rule,
        denominator=denominator,
        total_row=True,
    )


def _detailed_table(detailed: np.ndarray, published: dict[str, DisclosedCounts]) -> tables.Table:
    d = published["ethnicity_detailed"]
    raw = np.append(detailed, detailed.sum())
    rows = []
    labels = [label for _, label in ETHNICITY_DETAILED.groups]
    for i, name in enumerate([*labels, "Total"]):
        rows.append(
            (
                tables.label(name),
                tables.count_cell(raw[i], d.values[i], bool(d.suppressed[i]), d.rule.marker),
            )
        )
    return tables.Table(
        key="ethnicity_detailed",
        caption="Restrictive interventions by ethnic category (detailed), all units",
        columns=(
            tables.Column("category", "Ethnic category", "label"),
            tables.Column("interventions", "Restrictive interventions", "count"),
        ),
        rows=tuple(rows),
        rule=d.rule,
        total_row=True,
        notes=("NHS Data Dictionary ETHNIC CATEGORY; always disclosure-controlled.",),
    )
