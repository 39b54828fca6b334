"""Scoring policies: small TOML files, validated into frozen dataclasses.

Built-in policies live in ``score/policies/*.toml``; a user's own file works the same way
(``--policy my.toml``). A policy decides everything the national rules leave open: how the
execution rate and scores are rounded, which formula scores a missed lower-is-better target,
the grade bands, and how close a printed value must be to agree.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from jixiao.core.errors import PolicyError
from jixiao.score.rounding import ROUNDING_MODES, RoundingMode

LowerRule = Literal["ratio", "linear"]
RankRule = Literal["full_or_zero", "judgement"]
ScoreFrom = Literal["exact_rate", "printed_precision_rate"]
RateScored = Literal["none", "satisfaction", "percent"]
MetScoring = Literal["full", "band"]


@dataclass(frozen=True, slots=True)
class Policy:
    """One scoring policy. See ``score/policies/national.toml`` for every setting explained."""

    name: str
    description: str
    rate_rounding: RoundingMode
    rate_decimals: int
    score_rounding: RoundingMode
    score_decimals: int
    score_from: ScoreFrom
    cap_at_weight: bool
    lower_rule: LowerRule
    rank_rule: RankRule
    qualitative_bands: dict[str, tuple[Decimal, Decimal]]
    partial_rounding: RoundingMode
    partial_step: Decimal
    total_decimals: int
    grades: tuple[tuple[str, Decimal], ...]
    tolerance: Decimal
    rounding_steps: tuple[Decimal, ...]
    rate_scored: RateScored = "none"
    met_scoring: MetScoring = "full"
    source: str = ""
    explore_variants: bool = False  # --policy auto: also try the rule variants around this one

    def __post_init__(self) -> None:
        for setting in ("rate_rounding", "score_rounding", "partial_rounding"):
            if getattr(self, setting) not in ROUNDING_MODES:
                raise PolicyError(
                    f"policy {self.name!r}: {setting} must be one of "
                    f"{', '.join(ROUNDING_MODES)}, got {getattr(self, setting)!r}"
                )
        if self.lower_rule not in ("ratio", "linear"):
            raise PolicyError(
                f"policy {self.name!r}: indicators.lower_rule must be 'ratio' or "
                f"'linear', got {self.lower_rule!r}"
            )
        if self.rank_rule not in ("full_or_zero", "judgement"):
            raise PolicyError(
                f"policy {self.name!r}: indicators.rank_rule must be 'full_or_zero' or "
                f"'judgement', got {self.rank_rule!r}"
            )
        for completion, (low, high) in self.qualitative_bands.items():
            if not Decimal(0) <= low <= high <= Decimal(1):
                raise PolicyError(
                    f"policy {self.name!r}: qualitative band {completion!r} must satisfy "
                    f"0 <= low <= high <= 1, got [{low}, {high}]"
                )
        if self.score_from not in ("exact_rate", "printed_precision_rate"):
            raise PolicyError(
                f"policy {self.name!r}: execution.score_from must be 'exact_rate' "
                f"or 'printed_precision_rate', got {self.score_from!r}"
            )
        if self.rate_scored not in ("none", "satisfaction", "percent"):
            raise PolicyError(
                f"policy {self.name!r}: indicators.rate_scored must be 'none', "
                f"'satisfaction' or 'percent', got {self.rate_scored!r}"
            )
        if self.met_scoring not in ("full", "band"):
            raise PolicyError(
                f"policy {self.name!r}: indicators.met_scoring must be 'full' or 'band', "
                f"got {self.met_scoring!r}"
            )
        if self.met_scoring == "band" and "达成" not in self.qualitative_bands:
            raise PolicyError(
                f"policy {self.name!r}: indicators.met_scoring = 'band' needs a "
                "qualitative_bands entry for 达成"
            )
        if self.partial_step <= 0:
            raise PolicyError(f"policy {self.name!r}: indicators.partial_step must be > 0")
        bounds = [bound for _, bound in self.grades]
        if not bounds or bounds != sorted(bounds, reverse=True):
            raise PolicyError(f"policy {self.name!r}: [grades] must list bounds best first")

    def grade(self, total: Decimal) -> str:
        """The grade of a total: the first grade whose lower bound it reaches.

        >>> load_policy("national").grade(Decimal("89.99"))
        '良'
        """
        return next((name for name, bound in self.grades if total >= bound), self.grades[-1][0])

    @property
    def met_band(self) -> tuple[Decimal, Decimal] | None:
        """The share of the weight a met target may score under ``met_scoring = "band"``."""
        return self.qualitative_bands["达成"] if self.met_scoring == "band" else None


def builtin_policy_names() -> list[str]:
    """Names of the policies shipped with jixiao, sorted."""
    folder = resources.files("jixiao.score") / "policies"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_policy(name_or_path: str) -> Policy:
    """A built-in policy by name, or a policy TOML file by path.

    >>> load_policy("shanghai-2024").partial_step
    Decimal('0.5')
    """
    if name_or_path in builtin_policy_names():
        text = (resources.files("jixiao.score") / "policies" / f"{name_or_path}.toml").read_text(
            "utf-8"
        )
        return toml_to_policy(text, origin=name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise PolicyError(
            f"no policy named {name_or_path!r}: use one of "
            f"{', '.join(builtin_policy_names())} or the path of a TOML file"
        )
    return toml_to_policy(path.read_text("utf-8"), origin=str(path))


def toml_to_policy(text: str, *, origin: str = "<string>") -> Policy:
    """Parse and validate a policy file's text."""
    try:
        data = tomllib.loads(text)
        execution, indicators = data["execution"], data["indicators"]
        return Policy(
            name=str(data["name"]),
            description=str(data["description"]),
            source=str(data.get("source", "")),
            rate_rounding=execution["rate_rounding"],
            rate_decimals=int(execution["rate_decimals"]),
            score_rounding=execution["score_rounding"],
            score_decimals=int(execution["score_decimals"]),
            score_from=execution.get("score_from", "exact_rate"),
            cap_at_weight=bool(execution.get("cap_at_weight", True)),
            lower_rule=indicators["lower_rule"],
            rank_rule=indicators.get("rank_rule", "judgement"),
            rate_scored=indicators.get("rate_scored", "none"),
            met_scoring=indicators.get("met_scoring", "full"),
            qualitative_bands={
                str(k): (_decimal(v[0]), _decimal(v[1]))
                for k, v in indicators["qualitative_bands"].items()
            },
            partial_rounding=indicators["partial_rounding"],
            partial_step=_decimal(indicators["partial_step"]),
            total_decimals=int(data["totals"]["decimals"]),
            grades=tuple((str(k), _decimal(v)) for k, v in data["grades"].items()),
            tolerance=_decimal(data["tolerance"]["difference"]),
            rounding_steps=tuple(_decimal(s) for s in data["tolerance"]["rounding_steps"]),
        )
    except KeyError as exc:
        raise PolicyError(
            f"policy {origin}: the setting {exc.args[0]!r} is missing "
            "(the README, Scoring policies, lists every setting)"
        ) from exc
    except (tomllib.TOMLDecodeError, TypeError, ValueError, InvalidOperation) as exc:
        if isinstance(exc, PolicyError):
            raise
        raise PolicyError(f"policy {origin}: {type(exc).__name__}: {exc}") from exc


def _decimal(value: Any) -> Decimal:
    return Decimal(str(cast(object, value)))
