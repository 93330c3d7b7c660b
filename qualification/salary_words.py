"""Vocabularies for the compensation normaliser (`qualification.salary`).

Words are lower-case, as the tokenizer produces them. Single letters joined by
dots or a slash ("d.o.e.", "p.a.", "p/h") reach these tables as one word
("doe", "pa", "ph"). English first, then the German, French and Spanish words
that postings on European and Latin American Craigslist sites use.
"""

from __future__ import annotations

# Pay periods. `biweekly` and friends keep their own key because their
# multiplier differs from the period they are reported as.
PERIOD_MULTIPLIERS: dict[str, float] = {
    "hour": 2080.0,
    "day": 260.0,
    "week": 52.0,
    "biweek": 26.0,
    "semimonth": 24.0,
    "month": 12.0,
    "quarter": 4.0,
    "year": 1.0,
}

# The contract knows seven periods; the in-between ones report their nearest.
REPORTED_PERIOD: dict[str, str] = {
    "biweek": "week",
    "semimonth": "month",
    "quarter": "month",
    "shift": "day",
}

# A unit noun after "per", "a", "an", "/", "pro", "par", "por", "al" …
UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("hour", "hours", "hr", "hrs", "h", "std", "stunde", "stunden", "heure",
         "hora", "horas", "uur"),
        "hour",
    ),
    **dict.fromkeys(("day", "days", "d", "tag", "jour", "dia", "día", "diem"), "day"),
    **dict.fromkeys(("shift", "shifts", "schicht"), "shift"),
    **dict.fromkeys(
        ("week", "weeks", "wk", "wks", "w", "woche", "semaine", "semana"), "week"
    ),
    **dict.fromkeys(
        ("month", "months", "mo", "mos", "mon", "mth", "mnth", "m", "monat", "mois",
         "mes", "mês", "maand"),
        "month",
    ),
    **dict.fromkeys(
        ("year", "years", "yr", "yrs", "y", "annum", "a", "jahr", "an", "année",
         "annee", "año", "ano", "jaar"),
        "year",
    ),
    **dict.fromkeys(
        ("project", "projects", "job", "gig", "task", "assignment", "piece",
         "session", "shoot", "event", "article", "post", "video", "episode",
         "delivery", "word", "page", "item", "unit", "lesson", "class", "visit",
         "person", "call", "sale", "booking", "install", "installation", "order",
         "stop", "load", "mile", "song", "track", "design", "logo", "website",
         "photo", "image", "walk", "performance", "show", "night", "set"),
        "project",
    ),
}  # fmt: skip

# Unit nouns that must not stand alone after an amount ("$25 a" is not pay).
UNIT_NEEDS_CONNECTOR: frozenset[str] = frozenset(
    {"a", "an", "d", "w", "m", "y", "h", "set", "show", "night", "mon", "word"}
)

# Words that join an amount to a unit noun: "$25 per hour", "25 € pro Stunde".
PER_WORDS: frozenset[str] = frozenset(
    {"per", "a", "an", "each", "every", "pro", "par", "por", "al", "im", "la", "le"}
)

# "per" + any noun is a piece rate ("$40 per lawn"); "a" + noun is not.
OPEN_PER_WORDS: frozenset[str] = frozenset({"per", "each", "every", "pro", "par"})

# Adjectives and abbreviations that name a period on their own.
PERIOD_ADJECTIVES: dict[str, str] = {
    **dict.fromkeys(
        ("hourly", "ph", "phr", "stündlich", "stuendlich", "stundenlohn",
         "stundensatz", "horaire"),
        "hour",
    ),
    **dict.fromkeys(("daily", "tagessatz", "tageslohn", "diario", "diaria"), "day"),
    **dict.fromkeys(("weekly", "pw", "wöchentlich", "semanal", "hebdomadaire"), "week"),
    **dict.fromkeys(("biweekly", "fortnightly", "fortnight"), "biweek"),
    **dict.fromkeys(("semimonthly",), "semimonth"),
    **dict.fromkeys(
        ("monthly", "pcm", "monatlich", "monatsgehalt", "monatslohn", "mensuel",
         "mensuelle", "mensual", "mensuales"),
        "month",
    ),
    **dict.fromkeys(("quarterly",), "quarter"),
    **dict.fromkeys(
        ("yearly", "annually", "annual", "annualized", "annualised", "pa", "ypa",
         "jährlich", "jaehrlich", "jahresgehalt", "annuel", "annuelle", "anual",
         "anuales"),
        "year",
    ),
    **dict.fromkeys(("flat", "lump", "fixed", "budget", "apiece"), "project"),
}  # fmt: skip

# Nouns that, before "rate"/"pay"/"wage", name the period: "day rate: $300".
RATE_NOUNS: frozenset[str] = frozenset(
    {"rate", "pay", "wage", "salary", "fee", "price", "lohn", "satz"}
)

# Words an amount may carry before its period: "$25 USD gross per hour".
PERIOD_FILLERS: frozenset[str] = frozenset(
    {"gross", "net", "brutto", "netto", "base", "pre", "tax", "before", "after",
     "taxes", "cash", "plus", "salary", "pay", "rate", "wage", "wages", "starting",
     "approx", "approximately", "roughly", "about", "minimum", "min", "max",
     "maximum", "doe", "ote", "tc", "total", "compensation", "eur", "usd", "cad",
     "dollars", "euros", "or", "so", "ish", "brut", "bruto", "neto"}
)  # fmt: skip

CONNECTOR_WORDS: frozenset[str] = frozenset(
    {"to", "thru", "through", "till", "until", "til", "bis", "à", "hasta", "tot"}
)

# Qualifiers before an amount.
MAX_BEFORE: frozenset[tuple[str, ...]] = frozenset(
    {("up", "to"), ("upto",), ("max",), ("maximum",), ("as", "much", "as"),
     ("as", "high", "as"), ("no", "more", "than"), ("not", "more", "than"),
     ("not", "to", "exceed"), ("nte",), ("capped", "at"), ("bis", "zu"), ("bis",),
     ("jusqu",), ("hasta",), ("under",), ("less", "than"), ("below",)}
)  # fmt: skip
MIN_BEFORE: frozenset[tuple[str, ...]] = frozenset(
    {("starting", "at"), ("starting", "from"), ("starting",), ("starts", "at"),
     ("start", "at"), ("starting", "pay"), ("starting", "salary"),
     ("starting", "wage"), ("starting", "rate"), ("from",), ("min",),
     ("minimum",), ("at", "least"), ("no", "less", "than"),
     ("not", "less", "than"), ("over",), ("above",), ("more", "than"),
     ("in", "excess", "of"), ("ab",), ("partir", "de"), ("desde",),
     ("beginning", "at"), ("begins", "at"), ("upwards", "of"), ("north", "of")}
)  # fmt: skip

# Qualifiers after an amount.
MIN_AFTER: frozenset[tuple[str, ...]] = frozenset(
    {("and", "up"), ("or", "more"), ("or", "higher"), ("and", "above"),
     ("and", "higher"), ("minimum",), ("min",), ("to", "start"), ("starting",),
     ("or", "above"), ("und", "mehr")}
)  # fmt: skip
MAX_AFTER: frozenset[tuple[str, ...]] = frozenset(
    {("max",), ("maximum",), ("or", "less"), ("tops",), ("at", "most"),
     ("or", "below")}
)  # fmt: skip

# Words that are skipped when reading qualifiers backwards ("up to just $40").
QUALIFIER_FILLERS: frozenset[str] = frozenset(
    {"just", "only", "a", "an", "the", "of", "around", "about", "approx",
     "approximately", "roughly", "circa", "ca", "is", "be", "gross", "base",
     "hourly", "annual", "monthly", "weekly", "daily", "yearly", "will", "you",
     "can"}
)  # fmt: skip

# After a number without a currency these make it a count, not pay.
NOISE_UNITS: frozenset[str] = frozenset(
    {"years", "yrs", "year", "yr", "months", "mos", "month", "weeks", "week",
     "wks", "days", "day", "hours", "hrs", "hour", "hr", "h", "minutes", "mins",
     "min", "seconds", "sec", "secs", "am", "pm", "lbs", "lb", "pounds", "pound",
     "kg", "kgs", "kilos", "g", "oz", "ft", "feet", "foot", "sq", "sqft", "inch",
     "inches", "in", "cm", "mm", "meters", "metres", "m", "miles", "mile", "mi",
     "km", "kms", "mph", "percent", "pct", "people", "persons", "person",
     "employees", "staff", "members", "locations", "stores", "offices",
     "units", "items", "pcs", "pieces", "words", "pages", "times", "x", "st",
     "nd", "rd", "th", "yo", "gb", "mb", "tb", "ghz", "mp", "fps",
     "degrees", "bedroom", "bedrooms", "br", "ba", "bath", "baths", "cars",
     "trucks", "vehicles", "doors", "floors", "stories", "seats", "students",
     "kids", "children", "clients", "customers", "projects", "positions",
     "openings", "jobs", "shifts", "days/week", "languages", "tons", "ton",
     "gallons", "liters", "ml", "sqm", "acres", "rooms", "beds", "hires",
     "references", "weekends", "nights", "reviews", "stars", "b", "c", "d",
     "e", "j", "r", "s", "t", "v", "lpm", "wpm", "jahre", "ans", "años",
     "stunden", "heures", "horas", "monate", "mois", "meses", "tage", "jours"}
)  # fmt: skip

# Before a number without a currency these make it an identifier, not pay.
NOISE_PREFIXES: frozenset[str] = frozenset(
    {"age", "ages", "aged", "zip", "zipcode", "suite", "ste", "unit", "apt",
     "room", "rm", "hwy", "highway", "route", "rte", "exit", "interstate", "i",
     "floor", "lot", "model", "version", "v", "ver", "grade", "step", "level",
     "size", "phase", "chapter", "page", "item", "no", "number", "id", "ref",
     "reference", "code", "box", "po", "building", "bldg", "gate", "dock",
     "bay", "class", "ca", "ny", "tx", "fl", "wa", "or", "nj", "pa", "il", "ma",
     "az", "co", "ga", "nc", "va", "mi", "oh", "mn", "nv", "ut", "md", "top",
     "iphone", "windows", "office", "python", "java", "net", "tier", "type",
     "form", "section", "w", "covid", "lift", "lifting", "carry", "week", "day",
     "month", "year", "since", "est", "established", "by", "until", "before",
     "after", "within", "next", "first", "last"}
)  # fmt: skip

# Words right next to an amount that say it is not the wage.
PENALTY_WORDS: frozenset[str] = frozenset(
    {"bonus", "bonuses", "deposit", "rent", "revenue", "revenues", "funding",
     "raised", "cost", "costs", "tuition", "reimbursement", "reimbursed",
     "allowance", "discount", "insurance", "worth", "value", "valued",
     "investment", "invest", "fine", "fines", "penalty", "loan", "referral",
     "relocation", "retention", "incentive", "budgeted", "valuation", "sales",
     "grant", "purchase", "spend", "inventory", "equipment", "kaution", "miete",
     "caution", "loyer", "fianza", "alquiler", "scholarship", "prize", "award",
     "credit", "card", "voucher", "gift", "match", "401k", "tips", "tip",
     "gratuity", "gratuities"}
)  # fmt: skip

# "fee" is the pay when it is a flat/project fee, not when it is charged.
FEE_WORDS: frozenset[str] = frozenset({"fee", "fees", "charge", "price"})
PAY_FEE_MODIFIERS: frozenset[str] = frozenset(
    {"flat", "fixed", "project", "session", "gig", "job", "day", "hourly", "daily",
     "consulting", "service", "speaking", "appearance", "performance", "our",
     "your", "finders", "total", "per"}
)  # fmt: skip

# Words saying the text is about pay (used to trust amounts in a description).
PAY_WORDS: frozenset[str] = frozenset(
    {"salary", "salaries", "salaried", "pay", "pays", "paying", "paid", "payment",
     "payrate", "compensation", "compensated", "comp", "wage", "wages", "rate",
     "rates", "hourly", "earn", "earns", "earning", "earnings", "income",
     "stipend", "remuneration", "ote", "tc", "base", "gehalt", "lohn",
     "vergütung", "verguetung", "bezahlung", "verdienst", "salaire",
     "rémunération", "rémunéré", "sueldo", "salario", "pago",
     "paga", "retribución", "honorar", "honorarium", "dollars", "bucks", "cash",
     "offering", "offer", "budget"}
)  # fmt: skip

# Nouns a negation turns into "no pay": "no pay", "not paid", "without salary".
PAY_NOUNS: frozenset[str] = frozenset(
    {"pay", "paid", "payment", "compensation", "compensated", "salary", "wage",
     "wages", "money", "cash", "stipend", "remuneration", "monetary", "financial",
     "pago", "sueldo", "bezahlung", "gehalt", "rémunération", "salaire"}
)  # fmt: skip
NEGATIONS: frozenset[str] = frozenset(
    {"no", "not", "non", "without", "zero", "nil", "sin", "keine", "kein", "ohne",
     "pas", "sans", "nicht", "wo"}
)  # fmt: skip

# Explicit "this is not paid" words; they outrank any word about pay.
UNPAID_WORDS: frozenset[str] = frozenset(
    {"unpaid", "volunteer", "volunteers", "volunteering", "voluntary", "nonpaid",
     "gratis", "unbezahlt", "ehrenamtlich", "ehrenamt", "bénévole", "benevole",
     "bénévolat", "benevolat", "voluntario", "voluntaria", "voluntariado", "tfp",
     "tfcd", "bono", "unentgeltlich", "kostenlos", "gratuit", "gratuito"}
)  # fmt: skip

# Rewards in kind; "not paid" unless another word speaks of pay.
IN_KIND_WORDS: frozenset[str] = frozenset(
    {"none", "nothing", "exposure", "credit", "credits", "barter", "trade",
     "portfolio", "reference", "references"}
)  # fmt: skip

# "free" means unpaid only after these ("work for free", "it's free").
FREE_LEADS: frozenset[str] = frozenset(
    {"for", "is", "be", "its", "s", "totally", "completely", "absolutely", "work",
     "done", "unpaid", "volunteer", "just"}
)  # fmt: skip

# Words saying there is pay although no amount is given.
PAID_WORDS: frozenset[str] = frozenset(
    {"doe", "doq", "boe", "neg", "nego", "negotiate", "negotiated",
     "negotiation", "tbd", "tba", "tbn", "paid", "pay", "pays", "paying",
     "salary", "salaried", "wage", "wages", "hourly", "stipend", "commission",
     "commissions", "tips", "tip", "tipped", "gratuity", "gratuities", "ote",
     "compensated", "compensation", "remuneration", "varies", "vary", "variable",
     "depends", "depending", "dependent", "discuss", "discussed", "market",
     "scale", "prevailing", "earn", "earnings", "income", "cash", "money",
     "piecework", "bonus", "bonuses", "dollars", "payment", "rate", "rates",
     "honorarium", "honorar", "gehalt", "lohn", "vergütung", "verhandelbar",
     "salaire", "rémunération", "rémunéré", "négociable", "sueldo", "salario",
     "pago", "negociable", "competitivo", "attractive", "generous", "lucrative",
     "fee", "profit", "revenue", "payout", "weekly", "daily", "monthly",
     "annual", "yearly", "biweekly", "commensurate", "competitive", "negotiable"}
)  # fmt: skip

# Long words matched with a small edit distance, because posters misspell them
# ("Commensuruate", "competetive", "negociable").
FUZZY_PAID_WORDS: tuple[str, ...] = (
    "commensurate",
    "competitive",
    "negotiable",
    "depending",
    "dependent",
)

# Non-cash rewards: on their own they are not pay.
EQUITY_WORDS: frozenset[str] = frozenset(
    {"equity", "stock", "stocks", "shares", "ownership", "partnership", "sweat",
     "options", "rsu", "rsus", "esop", "cofounder", "founder", "tokens",
     "beteiligung", "anteile"}
)  # fmt: skip

# Currency symbols, prefixes glued to "$", codes and names.
CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₪": "ILS",
    "₺": "TRY",
    "฿": "THB",
    "₱": "PHP",
}
DOLLAR_PREFIXES: dict[str, str] = {
    "us": "USD",
    "c": "CAD",
    "ca": "CAD",
    "cad": "CAD",
    "cdn": "CAD",
    "can": "CAD",
    "a": "AUD",
    "au": "AUD",
    "aud": "AUD",
    "nz": "NZD",
    "nzd": "NZD",
    "hk": "HKD",
    "s": "SGD",
    "sg": "SGD",
    "mx": "MXN",
    "r": "BRL",
}
CURRENCY_WORDS: dict[str, str] = {
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "cad": "CAD",
    "cdn": "CAD",
    "aud": "AUD",
    "nzd": "NZD",
    "sgd": "SGD",
    "hkd": "HKD",
    "mxn": "MXN",
    "pesos": "MXN",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "quid": "GBP",
    "sterling": "GBP",
    "chf": "CHF",
    "fr": "CHF",
    "sfr": "CHF",
    "franken": "CHF",
    "francs": "CHF",
    "jpy": "JPY",
    "yen": "JPY",
    "inr": "INR",
    "rupees": "INR",
    "rs": "INR",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "pln": "PLN",
    "zł": "PLN",
    "zl": "PLN",
    "czk": "CZK",
    "brl": "BRL",
    "reais": "BRL",
    "zar": "ZAR",
    "rand": "ZAR",
}
# "pounds" is a weight as often as a currency; it counts only with a period.
WEAK_CURRENCY_WORDS: dict[str, str] = {"pounds": "GBP", "pound": "GBP"}

# A "$" amount is in this currency when the text names it anywhere.
DOLLAR_COUNTRY_WORDS: dict[str, str] = {
    "cad": "CAD",
    "cdn": "CAD",
    "canadian": "CAD",
    "aud": "AUD",
    "australian": "AUD",
    "nzd": "NZD",
    "sgd": "SGD",
    "hkd": "HKD",
    "mxn": "MXN",
}

# Scale words after a number.
MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "grand": 1e3,
    "tausend": 1e3,
    "mil": 1e6,  # English shorthand; Spanish "mil" (a thousand) is handled in code
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "mio": 1e6,
    "cents": 0.01,
    "cent": 0.01,
}
# Scale words that only count when a currency is attached ("5m" is a distance).
CURRENCY_ONLY_MULTIPLIERS: frozenset[str] = frozenset({"m", "mm"})

# Tax-form and retirement-plan numbers that look like amounts.
FORM_NUMBERS: frozenset[str] = frozenset({"401", "403", "457", "1099", "w2", "529"})


# --- grammar words (see qualification.salary) -----------------------------

# "per calendar month", "per billable hour".
RATE_UNIT_MODIFIERS: frozenset[str] = frozenset(
    {"calendar", "full", "working", "work", "business", "billable", "whole"}
)
# "$120 for the whole job", "$200 for one day".
FOR_MODIFIERS: frozenset[str] = frozenset(
    {"the", "this", "that", "a", "one", "each", "entire", "whole", "complete", "full"}
)
# "per our agreement" is not a piece rate.
OPEN_PER_STOP: frozenset[str] = frozenset(
    {"the", "our", "your", "their", "experience", "agreement", "request", "policy",
     "company", "law", "contract", "industry", "standard", "state", "union",
     "week's", "diem", "se", "cent", "percent", "year's", "cents"}
)  # fmt: skip
# "flat salary", "fixed hourly": the adjective is not a project price here.
NOT_PROJECT_AFTER: frozenset[str] = frozenset(
    {"salary", "wage", "wages", "income", "hourly", "annual", "monthly", "weekly"}
)
# "paid weekly" says when pay arrives, not what the amount covers.
PAY_FREQUENCY_LEADS: frozenset[str] = frozenset(
    {"paid", "payday", "payments", "payouts", "payroll", "invoiced", "billed"}
)
# "and" joins a range only after "between": "$20/hr and $5 tips" is not one.
RANGE_BREAKERS: frozenset[str] = frozenset(
    {"and", "between", "entre", "zwischen", "y", "et"}
)
# Words that end the look for "bonus"/"fee" after an amount ("$60k + bonus").
EXTRA_STOPS: frozenset[str] = frozenset(
    {"+", "plus", "and", "with", "&", "or", ",", "/", "("}
)
# After "X+" these keep the "+" meaning "or more" ("$70k+ DOE"); other words
# make it "plus extras" ("$100k + equity").
OPEN_PLUS_FOLLOWERS: frozenset[str] = frozenset(
    {"doe", "doq", "boe", "depending", "dependent", "dependant", "based",
     "negotiable", "neg", "obo", "usd", "cad", "aud", "eur", "gbp"}
)  # fmt: skip
# Spanish and Portuguese "mil" is a thousand, English "mil" a million.
SPANISH_THOUSAND_CURRENCIES: frozenset[str] = frozenset({"MXN", "BRL", "EUR", "INR"})
DOLLAR_WORDS: frozenset[str] = frozenset({"dollars", "dollar", "bucks"})
# "based on experience", "according to qualifications": paid, amount unknown.
EXPERIENCE_LEADS: frozenset[str] = frozenset(
    {"based", "according", "depending", "depends", "dependent", "commensurate"}
)
EXPERIENCE_WORDS: frozenset[str] = frozenset(
    {"experience", "qualifications", "qualification", "skills", "skill",
     "skillset", "background", "ability", "abilities", "exp", "qualified"}
)  # fmt: skip
# Cheap test before a description sentence is read for "unpaid" or "pay DOE".
VERDICT_KEYS: tuple[str, ...] = (
    "unpaid", "volunteer", "pay", "salary", "wage", "compens", "rate",
)  # fmt: skip
VOLUNTEER_NOUNS: frozenset[str] = frozenset(
    {"position", "opportunity", "basis", "role", "only", "work", "job", "gig",
     "internship", "intern", "project"}
)  # fmt: skip
# "this is unpaid", "the role will be unpaid".
STATE_VERBS: frozenset[str] = frozenset(
    {"is", "be", "are", "s", "its", "remains", "totally", "completely", "entirely"}
)
NEGOTIABLE_WORDS: frozenset[str] = frozenset(
    {"doe", "doq", "boe", "tbd", "tba", "negotiable", "neg", "market"}
)

# Amounts a period can plausibly carry; outside them a period word found away
# from the amount ("paid weekly", "3 times a year") is not believed.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "hour": (1.0, 1_000.0),
    "shift": (20.0, 5_000.0),
    "day": (20.0, 10_000.0),
    "week": (100.0, 50_000.0),
    "biweek": (200.0, 100_000.0),
    "semimonth": (200.0, 100_000.0),
    "month": (200.0, 500_000.0),
    "quarter": (1_000.0, 2_000_000.0),
    "year": (3_000.0, 10_000_000.0),
    "project": (0.0, 10_000_000.0),
}
