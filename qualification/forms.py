"""The criteria page's form: the active profile's factors, filters and grades."""

from __future__ import annotations

from typing import Any

from django import forms

from .scoring import DEFAULT_THRESHOLDS, FACTORS, ProfileConfig
from .services import CriterionInput

SENIORITY = [
    ("intern", "intern / entry"),
    ("junior", "junior"),
    ("mid", "mid"),
    ("senior", "senior"),
    ("lead", "lead / principal"),
]
SIZES = [("", "no preference"), ("small", "small"), ("large", "large")]


def _split(text: str) -> list[str]:
    return [w.strip() for w in text.replace("\n", ",").split(",") if w.strip()]


def _joined(words: Any) -> str:
    return ", ".join(words or [])


class CriteriaForm(forms.Form):
    # weights
    weight_salary = forms.IntegerField(min_value=0, max_value=100, label="Salary")
    weight_keywords = forms.IntegerField(min_value=0, max_value=100, label="Keywords")
    weight_location = forms.IntegerField(min_value=0, max_value=100, label="Location")
    weight_experience = forms.IntegerField(
        min_value=0, max_value=100, label="Experience"
    )
    weight_company = forms.IntegerField(min_value=0, max_value=100, label="Company")
    # soft preferences
    salary_min = forms.IntegerField(
        required=False, min_value=0, label="Wanted pay from ($/year)"
    )
    salary_max = forms.IntegerField(required=False, min_value=0, label="to ($/year)")
    keywords_required = forms.CharField(
        required=False, label="Required keywords", help_text="Comma-separated"
    )
    keywords_nice = forms.CharField(required=False, label="Nice-to-have keywords")
    synonyms = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: word: synonym, synonym",
    )
    prefer_remote = forms.BooleanField(required=False)
    home_latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    home_longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    max_commute_km = forms.IntegerField(min_value=0, max_value=20000, initial=40)
    seniority = forms.MultipleChoiceField(
        required=False, choices=SENIORITY, widget=forms.CheckboxSelectMultiple
    )
    max_years_required = forms.IntegerField(required=False, min_value=0, max_value=60)
    skills = forms.CharField(required=False)
    avoid_recruiters = forms.BooleanField(required=False)
    prefer_nonprofit = forms.BooleanField(required=False)
    preferred_size = forms.ChoiceField(required=False, choices=SIZES)
    industries = forms.CharField(required=False)
    # hard filters (blank = off)
    pay_floor = forms.IntegerField(
        required=False, min_value=0, label="Pay floor ($/year)"
    )
    remote_required = forms.BooleanField(required=False)
    categories_allowed = forms.CharField(
        required=False, label="Only these categories", help_text="Codes, e.g. sof, web"
    )
    blocked_words = forms.CharField(required=False)
    blocked_emails = forms.CharField(required=False, label="Blocked poster e-mails")
    blocked_companies = forms.CharField(required=False)
    max_age_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Maximum posting age (days)"
    )
    # grades
    grade_a = forms.FloatField(min_value=0, max_value=1, label="A from")
    grade_b = forms.FloatField(min_value=0, max_value=1, label="B from")
    grade_c = forms.FloatField(min_value=0, max_value=1, label="C from")
    grade_d = forms.FloatField(min_value=0, max_value=1, label="D from")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "The upper end is below the lower end.")
        grades = [data.get(f"grade_{g}") for g in "abcd"]
        if all(g is not None for g in grades) and grades != sorted(
            (float(g) for g in grades if g is not None), reverse=True
        ):
            self.add_error("grade_a", "Grade thresholds must fall from A to D.")
        if sum(data.get(f"weight_{f}") or 0 for f in FACTORS) == 0:
            self.add_error("weight_salary", "At least one weight must be above zero.")
        if (data.get("home_latitude") is None) != (data.get("home_longitude") is None):
            self.add_error(
                "home_longitude", "Give both latitude and longitude, or neither."
            )
        for line in (data.get("synonyms") or "").splitlines():
            if line.strip() and ":" not in line:
                self.add_error(
                    "synonyms", f"“{line.strip()}” needs the form word: synonym, …"
                )
        return data

    @classmethod
    def initial_from(cls, config: ProfileConfig) -> dict[str, Any]:
        s = config.settings
        salary, kw, loc = (
            s.get("salary", {}),
            s.get("keywords", {}),
            s.get("location", {}),
        )
        exp, comp = s.get("experience", {}), s.get("company", {})
        home = loc.get("home") or {}
        posters = s.get("blocked_posters", {})
        thresholds = {**DEFAULT_THRESHOLDS, **config.thresholds}
        return {
            **{f"weight_{f}": int(config.weights.get(f, 0)) for f in FACTORS},
            "salary_min": salary.get("min_annual"),
            "salary_max": salary.get("max_annual"),
            "keywords_required": _joined(kw.get("required")),
            "keywords_nice": _joined(kw.get("nice_to_have")),
            "synonyms": "\n".join(
                f"{k}: {_joined(v)}" for k, v in (kw.get("synonyms") or {}).items()
            ),
            "prefer_remote": loc.get("prefer_remote", False),
            "home_latitude": home.get("latitude"),
            "home_longitude": home.get("longitude"),
            "max_commute_km": loc.get("max_commute_km", 40),
            "seniority": exp.get("seniority", []),
            "max_years_required": exp.get("max_years_required"),
            "skills": _joined(exp.get("skills")),
            "avoid_recruiters": comp.get("avoid_recruiters", False),
            "prefer_nonprofit": comp.get("prefer_nonprofit", False),
            "preferred_size": comp.get("preferred_size") or "",
            "industries": _joined(comp.get("industries")),
            "pay_floor": s.get("pay_floor", {}).get("min_annual"),
            "remote_required": "remote_required" in s,
            "categories_allowed": _joined(s.get("categories", {}).get("allowed")),
            "blocked_words": _joined(s.get("blocked_words", {}).get("words")),
            "blocked_emails": _joined(posters.get("emails")),
            "blocked_companies": _joined(posters.get("companies")),
            "max_age_days": s.get("max_age", {}).get("days"),
            **{f"grade_{g.lower()}": thresholds[g] for g in "ABCD"},
        }

    def criteria(self) -> list[CriterionInput]:
        d = self.cleaned_data
        home = None
        if d.get("home_latitude") is not None:
            home = {"latitude": d["home_latitude"], "longitude": d["home_longitude"]}
        synonyms = {}
        for line in (d.get("synonyms") or "").splitlines():
            if ":" in line:
                word, _, rest = line.partition(":")
                synonyms[word.strip()] = _split(rest)
        rows = [
            CriterionInput(
                "salary",
                {"min_annual": d.get("salary_min"), "max_annual": d.get("salary_max")},
                d["weight_salary"],
                True,
            ),
            CriterionInput(
                "keywords",
                {
                    "required": _split(d.get("keywords_required") or ""),
                    "nice_to_have": _split(d.get("keywords_nice") or ""),
                    "synonyms": synonyms,
                },
                d["weight_keywords"],
                True,
            ),
            CriterionInput(
                "location",
                {
                    "prefer_remote": bool(d.get("prefer_remote")),
                    "home": home,
                    "max_commute_km": d.get("max_commute_km") or 40,
                },
                d["weight_location"],
                True,
            ),
            CriterionInput(
                "experience",
                {
                    "seniority": list(d.get("seniority") or []),
                    "max_years_required": d.get("max_years_required"),
                    "skills": _split(d.get("skills") or ""),
                },
                d["weight_experience"],
                True,
            ),
            CriterionInput(
                "company",
                {
                    "avoid_recruiters": bool(d.get("avoid_recruiters")),
                    "prefer_nonprofit": bool(d.get("prefer_nonprofit")),
                    "preferred_size": d.get("preferred_size") or None,
                    "industries": _split(d.get("industries") or ""),
                },
                d["weight_company"],
                True,
            ),
        ]
        if d.get("pay_floor") is not None:
            rows.append(
                CriterionInput("pay_floor", {"min_annual": d["pay_floor"]}, 0, True)
            )
        if d.get("remote_required"):
            rows.append(CriterionInput("remote_required", {}, 0, True))
        if allowed := _split(d.get("categories_allowed") or ""):
            rows.append(CriterionInput("categories", {"allowed": allowed}, 0, True))
        if words := _split(d.get("blocked_words") or ""):
            rows.append(CriterionInput("blocked_words", {"words": words}, 0, True))
        emails, companies = (
            _split(d.get("blocked_emails") or ""),
            _split(d.get("blocked_companies") or ""),
        )
        if emails or companies:
            rows.append(
                CriterionInput(
                    "blocked_posters",
                    {"emails": emails, "companies": companies},
                    0,
                    True,
                )
            )
        if d.get("max_age_days"):
            rows.append(CriterionInput("max_age", {"days": d["max_age_days"]}, 0, True))
        return rows

    def thresholds(self) -> dict[str, float]:
        return {g: self.cleaned_data[f"grade_{g.lower()}"] for g in "ABCD"}

    def config(self) -> ProfileConfig:
        rows = [(c.type, c.config, float(c.weight), c.active) for c in self.criteria()]
        return ProfileConfig.from_rows(rows, self.thresholds())
