"""Static reference data the payload generator draws on: countries, rates, accounts, people.

Plain tables, no randomness: book.py turns them into one company's books (with ids), and
generator.py picks from those. Merchants and suppliers are in counterparties.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Country:
    currency: str
    vat: Fraction  # standard VAT rate
    banks: tuple[tuple[str, str], ...]  # (bank name, BIC)
    mileage_per_km: int  # minor units of `currency`
    per_diem: int  # minor units per day
    cities: tuple[str, ...]


COUNTRIES: dict[str, Country] = {
    "DK": Country(
        "DKK",
        Fraction(1, 4),
        (("Danske Bank", "DABADKKK"), ("Nordea Danmark", "NDEADKKK"), ("Jyske Bank", "JYBADKKK")),
        379,
        58_000,
        ("Copenhagen", "Aarhus", "Odense", "Aalborg"),
    ),
    "SE": Country(
        "SEK",
        Fraction(1, 4),
        (("Swedbank", "SWEDSESS"), ("SEB", "ESSESESS"), ("Handelsbanken", "HANDSESS")),
        250,
        29_000,
        ("Stockholm", "Gothenburg", "Malmö", "Uppsala"),
    ),
    "NO": Country(
        "NOK",
        Fraction(1, 4),
        (("DNB", "DNBANOKK"), ("Nordea Norge", "NDEANOKK"), ("SpareBank 1", "SPRONO22")),
        350,
        93_000,
        ("Oslo", "Bergen", "Trondheim", "Stavanger"),
    ),
    "GB": Country(
        "GBP",
        Fraction(1, 5),
        (("Barclays", "BARCGB22"), ("HSBC UK", "HBUKGB4B"), ("Lloyds Bank", "LOYDGB2L")),
        28,
        2_500,
        ("London", "Manchester", "Bristol", "Leeds"),
    ),
    "FR": Country(
        "EUR",
        Fraction(1, 5),
        (
            ("BNP Paribas", "BNPAFRPP"),
            ("Société Générale", "SOGEFRPP"),
            ("Crédit Agricole", "AGRIFRPP"),
        ),
        60,
        2_000,
        ("Paris", "Lyon", "Marseille", "Lille"),
    ),
    "DE": Country(
        "EUR",
        Fraction(19, 100),
        (("Deutsche Bank", "DEUTDEFF"), ("Commerzbank", "COBADEFF"), ("N26", "NTSBDEB1")),
        30,
        2_800,
        ("Berlin", "Hamburg", "Munich", "Cologne"),
    ),
}
DEFAULT_COUNTRY = "DK"

# Units of each currency per euro: enough to make foreign amounts and wallet amounts agree.
PER_EURO: dict[str, float] = {
    "EUR": 1.0,
    "DKK": 7.46,
    "SEK": 11.28,
    "NOK": 11.52,
    "GBP": 0.846,
    "USD": 1.08,
    "CHF": 0.94,
    "PLN": 4.29,
}

# IBAN layout after country code and check digits: 'a' a bank letter (from the BIC), '9' a digit.
BBAN_LAYOUT = {
    "DK": "9" * 14,
    "SE": "9" * 20,
    "NO": "9" * 11,
    "GB": "aaaa" + "9" * 14,
    "IE": "aaaa" + "9" * 14,
    "NL": "aaaa" + "9" * 10,
    "FR": "9" * 23,
    "DE": "9" * 18,
    "LU": "9" * 16,
}
FOREIGN_BANKS = {
    "IE": ("Bank of Ireland", "BOFIIE2D"),
    "LU": ("BGL BNP Paribas", "BGLLLULL"),
    "NL": ("ING Bank", "INGBNL2A"),
    "US": ("JPMorgan Chase Bank", "CHASUS33"),
    "AU": ("Commonwealth Bank", "CTBAAU2S"),
}

# role -> (account name, code). Roles tie merchants and entry types to accounts.
ACCOUNTS: dict[str, tuple[str, str]] = {
    "travel": ("Travel", "7100"),
    "lodging": ("Hotels and Accommodation", "7110"),
    "meals": ("Meals and Entertainment", "7300"),
    "per_diem": ("Per Diem Allowance", "7320"),
    "mileage": ("Mileage Allowance", "7330"),
    "fuel": ("Fuel and Vehicle Costs", "5610"),
    "office": ("Office Supplies", "6110"),
    "phone": ("Telephone and Internet", "6210"),
    "postage": ("Postage and Freight", "6250"),
    "equipment": ("Computer Equipment", "5410"),
    "software": ("Software and Subscriptions", "6540"),
    "consulting": ("Consulting Fees", "6550"),
    "bank_fees": ("Bank Charges", "6570"),
    "advertising": ("Advertising and Marketing", "5900"),
    "training": ("Training and Conferences", "7610"),
    "rent": ("Rent and Facilities", "5010"),
    "cash": ("Cash", "1910"),
    "bank": ("Business Bank Account", "1930"),
    "employee_receivable": ("Employee Receivables", "1680"),
    "employee_payable": ("Employee Reimbursements Payable", "2890"),
    "payables": ("Accounts Payable", "2440"),
    "other_income": ("Other Operating Income", "3990"),
}
WALLET_ACCOUNT_CODE = "1940"  # "Pleo <currency> Account", the usual contra account
INGOING_VAT_ACCOUNT = "2640"
OUTGOING_VAT_ACCOUNT = "2610"
REVERSE_VAT_ACCOUNT = "2614"

TEAMS: tuple[tuple[str, str], ...] = (
    ("Finance", "FIN"),
    ("Sales", "SAL"),
    ("Marketing", "MKT"),
    ("Engineering", "ENG"),
    ("Operations", "OPS"),
    ("People", "PPL"),
)
# (name, index into TEAMS). The first person is the finance admin who presses Export.
PEOPLE: tuple[tuple[str, int], ...] = (
    ("Astrid Nielsen", 0),
    ("Mikkel Hansen", 1),
    ("Sofia Lindqvist", 2),
    ("Oliver Bennett", 3),
    ("Emma Johansson", 1),
    ("Lars Pedersen", 4),
    ("Ingrid Berg", 3),
    ("Noah Schmidt", 5),
    ("Camille Laurent", 2),
    ("Freya Olsen", 4),
)
TAG_GROUPS: dict[str, tuple[str, ...]] = {
    "PROJECT": ("PRJ-ATLAS", "PRJ-NORDLYS", "PRJ-HELIX", "PRJ-AURORA"),
    "COSTCENTER": ("CC-100", "CC-200", "CC-300", "CC-400"),
    "REGION": ("NORDICS", "UK", "DACH", "FRANCE"),
}
INVOICE_STATUSES = ("ready", "scheduled", "payment_in_progress", "paid", "marked_as_paid")
MEAL_NOTES = (
    "Client dinner",
    "Team lunch after sprint review",
    "Lunch with candidate",
    "Breakfast meeting with partner",
)
TRAVEL_NOTES = (
    "Customer workshop",
    "Quarterly planning offsite",
    "Trade fair visit",
    "Onboarding at head office",
)
