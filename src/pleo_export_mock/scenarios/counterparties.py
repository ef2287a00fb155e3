"""Who a company pays: card merchants (as printed on statements) and invoicing suppliers.

Plain tables, no randomness, like catalog.py: book.py resolves them for one company.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Merchant:
    descriptor: str  # as printed on the card statement (supplier.name)
    legal_name: str  # the company behind it (vendor.name)
    mcc: str  # merchant category code (supplier.categoryCode)
    role: str  # which account it books to
    country: str | None  # None: the company's own country
    currency: str | None  # None: the currency of `country`
    euros: tuple[int, int]  # typical price range, whole euros


def _local(descriptor: str, legal: str, mcc: str, role: str, low: int, high: int) -> Merchant:
    return Merchant(descriptor, legal, mcc, role, None, None, (low, high))


LOCAL_MERCHANTS: dict[str, tuple[Merchant, ...]] = {
    "DK": (
        _local("DSB BILLETAUTOMAT 4021", "DSB", "4112", "travel", 6, 60),
        _local("SAS 1172393457021", "SAS Danmark A/S", "4511", "travel", 90, 450),
        _local(
            "RADISSON BLU ROYAL HOTEL",
            "Radisson Hotel Group Denmark ApS",
            "7011",
            "lodging",
            120,
            320,
        ),
        _local("JOE & THE JUICE 1032", "Joe & The Juice A/S", "5814", "meals", 6, 25),
        _local("RESTAURANT BARR KBH", "Restaurant Barr ApS", "5812", "meals", 60, 400),
        _local("CIRCLE K 7142", "Circle K Danmark A/S", "5541", "fuel", 30, 110),
        _local("ELGIGANTEN 4021", "Elgiganten A/S", "5732", "equipment", 40, 1500),
        _local("TDC NET", "TDC Net A/S", "4814", "phone", 20, 90),
    ),
    "SE": (
        _local("SJ AB", "SJ AB", "4112", "travel", 8, 120),
        _local("SAS 1172393457021", "SAS Sverige AB", "4511", "travel", 90, 450),
        _local("SCANDIC MALMO CITY", "Scandic Hotels AB", "7011", "lodging", 90, 260),
        _local("ESPRESSO HOUSE 102", "Espresso House Sverige AB", "5814", "meals", 4, 20),
        _local("RESTAURANG TRANAN", "Restaurang Tranan AB", "5812", "meals", 50, 350),
        _local("CIRCLE K 7142", "Circle K Sverige AB", "5541", "fuel", 30, 110),
        _local("CLAS OHLSON 0213", "Clas Ohlson AB", "5251", "office", 5, 120),
        _local("TELIA SVERIGE AB", "Telia Sverige AB", "4814", "phone", 20, 90),
        _local("TAXI STOCKHOLM 150000", "Taxi Stockholm 15 00 00 AB", "4121", "travel", 15, 80),
    ),
    "NO": (
        _local("VY TOG", "Vygruppen AS", "4112", "travel", 8, 110),
        _local("NORWEGIAN AIR SHUTTLE", "Norwegian Air Shuttle ASA", "4511", "travel", 60, 380),
        _local("THON HOTEL ROSENKRANTZ", "Thon Hotels AS", "7011", "lodging", 110, 280),
        _local("BAKER HANSEN 0412", "Baker Hansen AS", "5814", "meals", 5, 25),
        _local("OSLO TAXI", "Oslo Taxi AS", "4121", "travel", 20, 90),
        _local("CIRCLE K 7142", "Circle K Norge AS", "5541", "fuel", 30, 120),
        _local("ELKJOP 2213", "Elkjøp Norge AS", "5732", "equipment", 40, 1500),
        _local("TELENOR NORGE", "Telenor Norge AS", "4814", "phone", 20, 90),
    ),
    "GB": (
        _local("TFL TRAVEL CH", "Transport for London", "4111", "travel", 3, 25),
        _local("BRITISH AIRWAYS 1252", "British Airways Plc", "4511", "travel", 80, 500),
        _local("PREMIER INN 40213", "Premier Inn Hotels Ltd", "7011", "lodging", 70, 180),
        _local("PRET A MANGER 0042", "Pret A Manger (Europe) Ltd", "5814", "meals", 4, 18),
        _local("DISHOOM KINGS CROSS", "Dishoom Ltd", "5812", "meals", 40, 300),
        _local("SHELL 1108", "Shell UK Oil Products Ltd", "5541", "fuel", 30, 110),
        _local("RYMAN 0123", "Ryman Ltd", "5943", "office", 5, 80),
        _local("ADDISON LEE", "Addison Lee Ltd", "4121", "travel", 20, 90),
    ),
    "FR": (
        _local("SNCF INTERNET", "SNCF Voyageurs", "4112", "travel", 20, 180),
        _local("AIR FRANCE 0571", "Air France", "4511", "travel", 90, 500),
        _local("IBIS PARIS GARE DE LYON", "Accor SA", "7011", "lodging", 90, 220),
        _local("PAUL GARE DE LYON", "Paul SAS", "5814", "meals", 4, 18),
        _local("LE BOUILLON CHARTIER", "Bouillon Chartier SAS", "5812", "meals", 30, 250),
        _local("TOTALENERGIES 1108", "TotalEnergies Marketing France", "5541", "fuel", 30, 110),
        _local("BUREAU VALLEE 0231", "Bureau Vallée SAS", "5943", "office", 5, 90),
        _local("G7 TAXI", "G7 Taxi Services", "4121", "travel", 15, 80),
    ),
    "DE": (
        _local("DB VERTRIEB GMBH", "DB Fernverkehr AG", "4112", "travel", 20, 180),
        _local("LUFTHANSA 2201", "Deutsche Lufthansa AG", "4511", "travel", 90, 500),
        _local("MOTEL ONE BERLIN", "Motel One GmbH", "7011", "lodging", 80, 160),
        _local("BACKWERK 1021", "BackWerk GmbH", "5814", "meals", 3, 15),
        _local("RESTAURANT NOLA", "Nola GmbH", "5812", "meals", 40, 250),
        _local("ARAL 1108", "Aral AG", "5541", "fuel", 30, 110),
        _local("MCPAPER 0123", "McPaper AG", "5943", "office", 5, 90),
        _local("FREE NOW", "Intelligent Apps GmbH", "4121", "travel", 15, 70),
    ),
}

# Merchants every company meets; foreign ones are reverse-charged or bring foreign VAT.
GLOBAL_MERCHANTS: tuple[Merchant, ...] = (
    Merchant("UBER *TRIP HELP.UBER.COM", "Uber B.V.", "4121", "travel", None, None, (8, 60)),
    Merchant(
        "GOOGLE*ADS8693645259", "Google Ireland Ltd", "7311", "advertising", "IE", None, (50, 2000)
    ),
    Merchant(
        "FACEBK *ADS 2KQ9T8HL",
        "Meta Platforms Ireland Ltd",
        "7311",
        "advertising",
        "IE",
        None,
        (50, 1500),
    ),
    Merchant(
        "LINKEDIN-789 0123456",
        "LinkedIn Ireland Unlimited Company",
        "7311",
        "advertising",
        "IE",
        None,
        (100, 1200),
    ),
    Merchant(
        "SLACK T03GH7K2L", "Slack Technologies Ltd", "7372", "software", "IE", "USD", (8, 400)
    ),
    Merchant("ATLASSIAN", "Atlassian Pty Ltd", "5734", "software", "AU", "USD", (10, 600)),
    Merchant(
        "ZOOM.US 888-799-9666",
        "Zoom Video Communications Inc",
        "4816",
        "software",
        "US",
        "USD",
        (14, 250),
    ),
    Merchant("NOTION LABS, INC.", "Notion Labs Inc", "5734", "software", "US", "USD", (8, 300)),
    Merchant("GITHUB, INC.", "GitHub Inc", "5734", "software", "US", "USD", (4, 500)),
    Merchant(
        "ADOBE *CREATIVE CLOUD",
        "Adobe Systems Software Ireland Ltd",
        "5734",
        "software",
        "IE",
        None,
        (20, 90),
    ),
    Merchant(
        "AMZN MKTP DE*2K4LT9QZ5", "Amazon EU S.a.r.l.", "5999", "office", "LU", "EUR", (10, 250)
    ),
    Merchant(
        "EVENTBRITE *NORDIC SAAS",
        "Eventbrite Operations (Ireland) Ltd",
        "7399",
        "training",
        "IE",
        "EUR",
        (40, 900),
    ),
    Merchant(
        "HILTON LONDON PADDINGTON",
        "Hilton UK Hotels Ltd",
        "7011",
        "lodging",
        "GB",
        "GBP",
        (150, 400),
    ),
    Merchant(
        "MARRIOTT NEW YORK DT",
        "Marriott International Inc",
        "7011",
        "lodging",
        "US",
        "USD",
        (220, 600),
    ),
)

ATM = Merchant("ATM NORDEA 0412", "Nordea Bank Abp", "6011", "cash", None, None, (50, 300))
PLEO = Merchant(
    "PLEO TECHNOLOGIES A/S", "Pleo Technologies A/S", "", "bank_fees", "DK", None, (5, 60)
)


@dataclass(frozen=True, slots=True)
class Supplier:
    """A company that sends invoices (accounts payable)."""

    name: str
    country: str
    currency: str | None  # None: the currency of `country`
    role: str
    euros: tuple[int, int]


LOCAL_SUPPLIERS: dict[str, tuple[Supplier, ...]] = {
    "DK": (
        Supplier("Kontorland ApS", "DK", None, "office", (80, 1500)),
        Supplier("Holm & Vestergaard Advokater", "DK", None, "consulting", (800, 9000)),
        Supplier("Nordlys Ejendomme A/S", "DK", None, "rent", (2500, 12000)),
    ),
    "SE": (
        Supplier("Bergström Konsult AB", "SE", None, "consulting", (800, 9000)),
        Supplier("Kontorab Möbler AB", "SE", None, "equipment", (200, 4000)),
        Supplier("Fastighets AB Norrmalm", "SE", None, "rent", (2500, 12000)),
    ),
    "NO": (
        Supplier("Fjordline IT AS", "NO", None, "consulting", (800, 9000)),
        Supplier("Vestland Kontor AS", "NO", None, "office", (80, 1500)),
        Supplier("Aker Eiendom AS", "NO", None, "rent", (2500, 12000)),
    ),
    "GB": (
        Supplier("Brightdesk Ltd", "GB", None, "office", (80, 1500)),
        Supplier("Kingsley & Shaw LLP", "GB", None, "consulting", (800, 9000)),
        Supplier("Northbank Estates Ltd", "GB", None, "rent", (2500, 12000)),
    ),
    "FR": (
        Supplier("Cabinet Moreau Conseil SARL", "FR", None, "consulting", (800, 9000)),
        Supplier("Fournitures Lumière SAS", "FR", None, "office", (80, 1500)),
        Supplier("Immobilière Rivoli SA", "FR", None, "rent", (2500, 12000)),
    ),
    "DE": (
        Supplier("Schneider Beratung GmbH", "DE", None, "consulting", (800, 9000)),
        Supplier("Bürowelt Müller GmbH", "DE", None, "office", (80, 1500)),
        Supplier("Spree Immobilien GmbH", "DE", None, "rent", (2500, 12000)),
    ),
}
GLOBAL_SUPPLIERS: tuple[Supplier, ...] = (
    Supplier("Amazon Web Services EMEA SARL", "LU", "USD", "software", (200, 6000)),
    Supplier("Microsoft Ireland Operations Ltd", "IE", "EUR", "software", (50, 2500)),
    Supplier("HubSpot Ireland Ltd", "IE", "EUR", "software", (400, 3000)),
    Supplier("Datadog Inc", "US", "USD", "software", (300, 5000)),
)
