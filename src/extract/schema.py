"""The shape of every rule file, as pydantic models: one model per file.

Rules are data that linguists edit, so a mistake must stop the run before any
page is read, naming the file and line: a missing or misspelt key (extra keys
are forbidden), a value outside its enum (`scope: befor`), a word list item
YAML read as a boolean (`no`), a regex that does not compile, a date that is
not a date. To add a key, add a field to its file's model; an enumeration is a
`Literal`, so a new value is one edit here.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)


def _compiles(p: str) -> str:
    try:
        regex.compile(p.replace("{NUM}", r"\d+"), regex.V1)  # figures.yaml's {NUM} stands for a number
    except regex.error as exc:
        raise ValueError(f"bad regex: {exc}") from None
    return p


def _iso_date(d: str) -> str:
    """A full ISO date, or a year, or a year and month: what pages state."""
    parts = d.split("-")
    try:
        date.fromisoformat(d) if len(parts) == 3 else date(int(parts[0]), int(parts[1]) if len(parts) == 2 else 1, 1)
    except ValueError:
        raise ValueError(f"{d!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return d


Pattern = Annotated[StrictStr, AfterValidator(_compiles)]
IsoDate = Annotated[StrictStr, AfterValidator(_iso_date)]
Words = list[StrictStr]
Values = dict[str, StrictInt]  # number word -> its value
EraId = Literal["stars", "apa-jar", "csa", "sg-lac", "sif-ilacs"]
Severity = Literal["info", "warning", "error"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Rule(_Strict):
    id: StrictStr


# --- clean.yaml ---------------------------------------------------------------------------------------------------
class CleanLineRule(_Rule):
    action: Literal["drop_line", "drop_block", "drop_rest"]
    pattern: Pattern
    keywords: Words = []
    max_len: StrictInt | None = None
    first_line: bool = False  # only the page's first line with text (a site's section label above the headline)
    archive: StrictStr | None = None  # the web archive whose banner the rule removes


class ChromeRule(_Rule):
    archive: StrictStr
    elements: Words = []  # CSS selectors of replay toolbars and banners
    starts_pattern: Pattern | None = None
    max_chars: StrictInt | None = None


class PatternRule(_Rule):
    pattern: Pattern


class CleanFile(_Strict):
    version: StrictInt
    rules: list[CleanLineRule]
    bullet_pattern: Pattern
    unglue_pattern: Pattern
    prose_line_pattern: Pattern
    join_after_words: Words
    keep_hyphen_after: Words
    abbreviations: Words
    date_rules: list[PatternRule]
    year_pattern: Pattern
    archive_chrome: list[ChromeRule] = []


# --- numbers.yaml -------------------------------------------------------------------------------------------------
class NumbersFile(_Strict):
    version: StrictInt
    units: Values
    tens: Values
    scales: Values
    fractions: Values  # the denominator each fraction word stands for
    fraction_numerators: Values
    abbreviations: Values  # a magnitude abbreviated after digits ("2.3m")
    qualifiers: Words
    half_pattern: Pattern
    bare_fraction_pattern: Pattern
    dozen_pattern: Pattern
    ratio_pattern: Pattern
    percent_pattern: Pattern
    approximate_suffix_pattern: Pattern
    rate_per_pattern: Pattern
    rate_every_pattern: Pattern
    rate_from_pattern: Pattern
    rate_range_pattern: Pattern
    rate_bases: list[StrictInt]


# --- checks.yaml --------------------------------------------------------------------------------------------------
class CheckScale(_Strict):
    id: StrictStr
    parts: Words


class Population(_Strict):
    measure_pattern: Pattern
    min: float
    max: float


class Grouping(_Strict):
    row_max_chars: StrictInt
    max_label_lines: StrictInt
    label_max_chars: StrictInt
    pair_max_gap_chars: StrictInt


class CheckQualifiers(_Strict):
    at_least_pattern: Pattern
    at_most_pattern: Pattern


class PartsTotal(_Strict):
    id: Literal["check.parts-total"]
    severity_agree: Severity
    severity_stated: Severity
    severity_population: Severity


class CombinedParts(_Strict):
    id: Literal["check.combined-parts"]
    severity_agree: Severity
    severity_disagree: Severity


class PercentSum(_Strict):
    id: Literal["check.percent-sum"]
    severity_agree: Severity
    severity_disagree: Severity
    min_tolerance: float


class CountPercent(_Strict):
    id: Literal["check.count-percent"]
    severity_agree: Severity
    severity_disagree: Severity
    severity_far: Severity
    far_points: float


class ProportionCount(_Strict):
    id: Literal["check.proportion-count"]
    severity_agree: Severity
    severity_disagree: Severity
    tolerance_points: float
    side_slack_points: float


CheckRule = Annotated[PartsTotal | CombinedParts | PercentSum | CountPercent | ProportionCount,
                      Field(discriminator="id")]


class ChecksFile(_Strict):
    version: StrictInt
    scales: list[CheckScale]
    combined: dict[str, Words]
    total_categories: Words
    population: Population
    grouping: Grouping
    qualifiers: CheckQualifiers
    rules: list[CheckRule]


# --- scales.yaml --------------------------------------------------------------------------------------------------
class Era(_Strict):
    id: EraId
    from_: IsoDate = Field(alias="from")
    to: IsoDate


ScaleId = Literal["stars", "apa-jar", "csa", "sg-lac", "sif-ilacs", "inspection", "cpa"]  # eras, scales sentences name


class ScaleRule(_Rule):
    pattern: Pattern
    category: dict[ScaleId | Literal["default"], StrictStr]


class FrameworkMarker(_Strict):
    scale: ScaleId
    pattern: Pattern
    within: list[EraId] = []


class PageScale(_Strict):
    scale: ScaleId
    page: Pattern
    words: Pattern
    not_with: Pattern
    within: list[EraId] = []


class LiteralScale(_Strict):
    scale: ScaleId
    within: EraId


class TopBeyond(_Strict):
    pattern: Pattern
    top: StrictStr
    becomes: StrictStr


class ScalesFile(_Strict):
    version: StrictInt
    eras: list[Era]
    era_markers: dict[EraId, Pattern]
    framework_markers: list[FrameworkMarker] = []
    page_scales: list[PageScale] = []
    literal_scale: LiteralScale | None = None
    default_era: EraId
    rules: list[ScaleRule]
    points: dict[EraId, dict[StrictInt, StrictStr]] = {}
    points_not_with: Pattern | None = None
    top_beyond: list[TopBeyond] = []
    part_labels: Pattern | None = None
    stars: dict[str, StrictStr]


# --- figures.yaml -------------------------------------------------------------------------------------------------
class Produces(_Strict):
    id: StrictStr
    description: StrictStr


class NotFigureRule(_Rule):
    pattern: Pattern
    keywords: Words = []


class FiguresFile(_Strict):
    version: StrictInt
    produces: list[Produces]
    heads: dict[str, Words]
    singular_heads: dict[str, Words]
    modifiers: Words
    skip_pattern: Pattern
    continuation_pattern: Pattern
    coordinated_count_pattern: Pattern
    quantified_subject_pattern: Pattern
    all_before_pattern: Pattern
    part_of_group_pattern: Pattern
    remaining_pattern: Pattern
    one_of_before_pattern: Pattern
    pair_between_pattern: Pattern
    pair_compared_pattern: Pattern
    compare_pattern: Pattern
    dated_pattern: Pattern
    elided_grade_pattern: Pattern
    restated_pattern: Pattern
    there_pattern: Pattern
    inverted_pattern: Pattern
    bare_whole_pattern: Pattern
    circumstance_pattern: Pattern
    governs_next_pattern: Pattern
    difference_pattern: Pattern
    difference_of_pattern: Pattern
    divided_next_pattern: Pattern
    divided_after_pattern: Pattern
    divided_of_pattern: Pattern
    whole_after_pattern: Pattern
    whole_before_pattern: Pattern
    denominator_pattern: Pattern
    denominator_after_np_pattern: Pattern
    total_pattern: Pattern
    of_pattern: Pattern
    anaphor_pattern: Pattern
    postmodifier_pattern: Pattern
    object_pattern: Pattern
    change_pattern: Pattern
    rate_of_pattern: Pattern
    paren_pattern: Pattern
    gapped_pattern: Pattern
    shared_noun_pattern: Pattern
    definite_group_pattern: Pattern
    apposed_share_pattern: Pattern
    marker_pattern: Pattern
    apposition_pattern: Pattern
    absolute_pattern: Pattern
    absolute_tail_pattern: Pattern
    judgement_lead_pattern: Pattern
    partitive_pattern: Pattern
    descriptive_heads: Words
    unjudged_parts_pattern: Pattern
    past_events_pattern: Pattern
    band_pattern: Pattern
    subordinate_pattern: Pattern
    rated_whole_pattern: Pattern
    consequence_pattern: Pattern
    whole_opener_pattern: Pattern
    final_object_pattern: Pattern
    clause_end_pattern: Pattern
    contrast_before_pattern: Pattern
    whole_heads: Words
    person_heads: Words
    cast_heads: Words
    cast_max: int
    change_categories: Words
    period_pattern: Pattern
    period_cue_pattern: Pattern
    table_row_pattern: Pattern
    table_cells_pattern: Pattern
    table_label_pattern: Pattern
    table_header_pattern: Pattern
    table_contents_pattern: Pattern
    table_contents_title_pattern: Pattern
    share_heading_pattern: Pattern
    total_label_pattern: Pattern
    number_of_pattern: Pattern
    copula_pattern: Pattern
    share_of_pattern: Pattern
    growth_subject_pattern: Pattern
    table_context_chars: StrictInt
    rules: list[NotFigureRule]


# --- authorities.yaml ---------------------------------------------------------------------------------------------
class Affixes(_Strict):
    prefix_pattern: Pattern
    suffix_pattern: Pattern


class ContextRule(_Rule):
    reason: StrictStr | None = None  # said in rejected.csv (--explain)
    before_pattern: Pattern | None = None
    before_word_in: StrictStr | None = None
    after_pattern: Pattern | None = None
    names: Words = []


class Locator(_Rule):
    reason: StrictStr
    between_pattern: Pattern


class Candidate(_Strict):
    gss: StrictStr
    context_pattern: Pattern


class AmbiguousRule(_Rule):
    form: StrictStr
    candidates: list[Candidate]


class Fuzzy(_Strict):
    threshold: StrictInt
    report_from: StrictInt | None = None
    min_length: StrictInt
    list_min: StrictInt


class ReasonedRule(PatternRule):
    reason: StrictStr | None = None


class PatternRules(_Strict):
    rules: list[ReasonedRule]


class Judgements(_Strict):
    heading_pattern: Pattern


class Dating(_Strict):
    latest_year: StrictInt  # a later year in an undated page's text is a target, not a year it reports


class ContextRules(_Strict):
    rules: list[ContextRule]


class AmbiguousRules(_Strict):
    rules: list[AmbiguousRule]


class AuthoritiesFile(_Strict):
    version: StrictInt
    affixes: Affixes
    common_words: Words
    context: ContextRules
    ambiguous: AmbiguousRules
    fuzzy: Fuzzy
    locator: Locator
    skip: PatternRules
    judgements: Judgements
    dating: Dating
    first_names: Words


# --- grammar.yaml -------------------------------------------------------------------------------------------------
class ClosedClasses(_Strict):
    determiners: Words
    prepositions: Words
    conjunctions: Words
    auxiliaries: Words
    pronouns: Words
    adverbs: Words
    degree: Words
    verbs: Words
    singular_subjects: Words


class GrammarFile(_Strict):
    version: StrictInt
    closed_classes: ClosedClasses
    plural_nouns: Words
    not_plural: Words
    compound_modifiers: Words
    clause_break_pattern: Pattern
    negation_pattern: Pattern
    excluded_pattern: Pattern
    source_pattern: Pattern
    quantity_change_pattern: Pattern
    change_subject_pattern: Pattern
    activity_pattern: Pattern
    aspiration_pattern: Pattern
    scale_range_pattern: Pattern
    past_pattern: Pattern
    fronted_year_pattern: Pattern
    idiom_nouns: Words
    anaphora_pattern: Pattern
    subject_pattern: Pattern
    list_continuation_pattern: Pattern
    list_opener_pattern: Pattern
    group_subject_pattern: Pattern
    council_subject_pattern: Pattern
    legend_pattern: Pattern
    gloss_pattern: Pattern
    legend_item_pattern: Pattern
    grade_point_pattern: Pattern
    given_to_other_pattern: Pattern
    coordinated_pattern: Pattern
    grade_place_pattern: Pattern
    grade_label_pattern: Pattern
    scale_list_gap_pattern: Pattern
    respectively_pattern: Pattern
    label_lead_pattern: Pattern
    bracketed_pattern: Pattern
    aside_pattern: Pattern
    fronted_pattern: Pattern
    graded_for_pattern: Pattern
    no_judgement: list[PatternRule]


# --- consolidate.yaml ---------------------------------------------------------------------------------------------
class MeasureRule(PatternRule):
    measure: StrictStr


class PeriodRule(PatternRule):
    period: StrictStr


class AreaRule(PatternRule):
    area: StrictStr


class ToleranceRule(_Rule):
    kinds: list[Literal["count", "percentage", "proportion"]]
    approx: StrictBool
    absolute: StrictInt | StrictFloat | None = None
    relative: StrictFloat | None = None
    half_unit: StrictBool = False
    factor: StrictInt | StrictFloat | None = None


class Duplicates(_Strict):
    shingle_words: StrictInt
    num_perm: StrictInt
    threshold: StrictFloat
    min_words: StrictInt


class ConsolidateFile(_Strict):
    version: StrictInt
    measures: dict[Literal["rules"], list[MeasureRule]]
    periods: dict[Literal["rules"], list[PeriodRule]]
    bare_year_pattern: Pattern
    months: Words
    areas: dict[Literal["rules"], list[AreaRule]]
    changes: Words
    conflict_needs_category: StrictBool
    tolerances: dict[Literal["rules"], list[ToleranceRule]]
    duplicates: Duplicates


MODELS: dict[str, type[BaseModel]] = {
    "clean": CleanFile, "numbers": NumbersFile, "checks": ChecksFile, "scales": ScalesFile,
    "figures": FiguresFile, "authorities": AuthoritiesFile, "grammar": GrammarFile, "consolidate": ConsolidateFile,
}


# --- validation with file:line ------------------------------------------------------------------------------------
def problems(name: str, text: str, data: Any) -> list[tuple[int, str]]:
    """(line, message) for every way `data` (the YAML `text` of rules/<name>.yaml,
    without line marks) breaks its model; [] when it fits or has no model."""
    model = MODELS.get(name)
    if model is None:
        return []
    try:
        model.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        return [(_line(root, err["loc"]), _message(err)) for err in exc.errors()]
    return []


def _message(err: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p.startswith("check.")))
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key (misspelt?)"
    if kind == "missing":
        return f"{where}: missing key"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg} (got {err.get('input')!r})" if kind != "union_tag_invalid" else f"{where}: {msg}"


def _line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """Line of the deepest node of `loc` that exists in the YAML."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            key = "from" if part == "from_" else str(part)
            hit = next(((k, v) for k, v in node.value if str(k.value) == key), None)
            if hit is not None:  # else a missing key, or a union's tag ("check.percent-sum"): stay here
                line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


REGISTER_DATES = ("valid_from", "valid_to")


def register_problems(path: Path) -> list[tuple[int, str]]:
    """(line, message) for each invalid date in rules/authorities.csv."""
    out = []
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for row in reader:
        for col in REGISTER_DATES:
            value = (row.get(col) or "").strip()
            if not value:
                continue
            try:
                date.fromisoformat(value)
            except ValueError:
                out.append((reader.line_num, f"{col}: {value!r} is not a date (YYYY-MM-DD)"))
    return out
