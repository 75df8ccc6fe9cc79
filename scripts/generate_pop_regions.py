#!/usr/bin/env python3
"""Generate Sources/CDNTopCore/Geography/POPRegionTable.generated.swift.

CDN POP codes are mostly IATA airport codes (Cloudflare's CF-Ray suffix, Fastly's
X-Served-By, CloudFront's X-Amz-Cf-Pop, Vercel's x-vercel-id, Tigris and Fly regions)
or provider codes built on countries (Bunny's `BunnyCDN-DE1-601`, KeyCDN's `defr`).
cdntop needs two things from a code:
- its region, one of cdntop's seven (`Continent`): IATA -> ISO country -> region;
- its metro, the same for every provider: the IATA code of the city (the metropolitan
  area code where IATA groups several airports under one, "LON" for LHR and LCY), the
  city's name and its country. Johannesburg is JNB whether Cloudflare says `JNB`, Fly
  `jnb`, KeyCDN `zajn` or Bunny `JH1`.

Sources, each table below says which it follows:
- airports, their city and country: the PyPI package `airportsdata`;
- IATA metropolitan-area codes and the airports they group: IATA's published list of
  metropolitan areas (also in the airline coding directory), transcribed for the cities
  that have CDN POPs;
- Bunny's POP codes: bunny.net's region list (API `GET /region`: RegionCode, Name,
  CountryCode), transcribed with the IATA code of each city;
- KeyCDN's codes: KeyCDN's support article "CDN Server Locations" gives the rule (the
  country TLD, then two letters for the city) but no table, so only codes seen in KeyCDN
  responses are listed; any other code gives its country and no metro;
- Fly regions need no table: they are IATA airport codes in lower case
  (fly.io/docs/reference/regions), as are Tigris's (tigrisdata.com/docs/concepts/regions)
  and Vercel's edge regions with a site number ("sfo1").
The country -> region table is written by hand, because the usual continent tables fold
the Middle East into Asia, and cdntop keeps it apart (the story's Middle East latency was
681 ms against ~500 ms for Asia).

The output is one Swift source holding the data as string literals, parsed lazily at
first use: a dictionary literal of ~8,000 entries takes the type checker minutes, and a
SwiftPM resource (Bundle.module) breaks when the binary is copied elsewhere.

Usage:  pip install airportsdata && python3 scripts/generate_pop_regions.py
The script fails, rather than guess, if airportsdata names a country that the table
below does not place, or if a provider table names a city code that is not an airport
or metro of the country the provider gives.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import airportsdata

OUTPUT = (Path(__file__).resolve().parent.parent
          / "Sources/CDNTopCore/Geography/POPRegionTable.generated.swift")

NORTH_AMERICA = "North America"
SOUTH_AMERICA = "South America"
EUROPE = "Europe"
AFRICA = "Africa"
MIDDLE_EAST = "Middle East"
ASIA = "Asia"
OCEANIA = "Oceania"

# ISO 3166-1 alpha-2 -> region. Decisions where geography alone does not settle it:
# - Middle East: the Gulf, the Levant, Iraq, Iran and Yemen, plus Egypt, which the
#   conventional definition of the Middle East includes and whose traffic is
#   grouped with its eastern neighbours more than with sub-Saharan Africa.
# - Turkey and Cyprus: Europe. Their CDN POPs (Istanbul, Nicosia/Larnaca) hang off
#   European backbones, and Cyprus is an EU member.
# - Russia: Europe for the country, but airports whose time zone is in Asia
#   (Siberia, the Far East) are placed in Asia, see RUSSIA_SPLIT below.
# - Caucasus (GE, AM, AZ): Europe, like the Council of Europe that they belong to;
#   Central Asia (KZ, UZ, TM, KG, TJ), Afghanistan and Pakistan: Asia.
# - Central America, the Caribbean, Bermuda, Greenland, Saint Pierre: North America.
# - Hawaii stays with the United States (North America): regions follow countries.
# - Pacific islands and Australia's Indian Ocean territories (CX, CC): Oceania.
# - Indian Ocean islands off Africa (MU, SC, RE, YT, KM, MG): Africa; the Maldives
#   and the British Indian Ocean Territory: Asia.
# - Antarctica and uninhabited territories (AQ, BV, HM, TF, GS) belong to no region.
COUNTRY_REGION: dict[str, str] = {}


def place(region: str, codes: str) -> None:
    for code in codes.split():
        if code in COUNTRY_REGION:
            raise SystemExit(f"{code} is placed twice")
        COUNTRY_REGION[code] = region


place(NORTH_AMERICA, """
    US CA MX GL PM BM
    BZ CR SV GT HN NI PA
    AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT
    VC VG VI
""")
place(SOUTH_AMERICA, "AR BO BR CL CO EC FK GF GY PE PY SR UY VE")
place(EUROPE, """
    AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM
    IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA
    XK TR GE AM AZ
""")
place(AFRICA, """
    AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EH ER ET GA GH GM GN GQ GW KE KM LR LS
    LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ
    UG YT ZA ZM ZW
""")
place(MIDDLE_EAST, "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY YE")
place(ASIA, """
    AF BD BN BT CN HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG
    TH TJ TL TM TW UZ VN
""")
place(OCEANIA, """
    AS AU CC CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU
    WF WS
""")
UNPLACED = {"AQ", "BV", "HM", "TF", "GS"}

# "UK" is not an ISO 3166-1 code but is exceptionally reserved for the United
# Kingdom, and CDNs use it: KeyCDN's X-Edge-Location starts with the country TLD
# ("uklo"), Bunny names its London POP "UK1".
COUNTRY_ALIASES = {"UK": "GB"}

# IATA metropolitan-area codes: one code for a city served by several airports, so that
# Cloudflare's LHR and Fastly's LCY are both London. Several CDNs also name a POP after
# the city rather than one of its airports (Chicago "CHI", Stockholm "STO"). Each entry:
# the city code, its country, the city's name, and the airports IATA groups under it.
# They are not airports, so airportsdata lacks them; an airport with the same code
# (Dallas-Fort Worth "DFW", Shanghai Hongqiao "SHA") is the metro's main airport.
METROS = {
    "BJS": ("CN", "Beijing", "PEK PKX"),
    "BUE": ("AR", "Buenos Aires", "EZE AEP"),
    "BUH": ("RO", "Bucharest", "OTP BBU"),
    "CHI": ("US", "Chicago", "ORD MDW"),
    "DFW": ("US", "Dallas", "DFW DAL"),
    "HOU": ("US", "Houston", "IAH HOU"),
    "JKT": ("ID", "Jakarta", "CGK HLP"),
    "LON": ("GB", "London", "LHR LGW LCY STN LTN SEN"),
    "MIL": ("IT", "Milan", "MXP LIN BGY"),
    "MOW": ("RU", "Moscow", "SVO DME VKO"),
    "NYC": ("US", "New York", "JFK LGA EWR"),
    "OSA": ("JP", "Osaka", "KIX ITM"),
    "PAR": ("FR", "Paris", "CDG ORY"),
    "RIO": ("BR", "Rio de Janeiro", "GIG SDU"),
    "ROM": ("IT", "Rome", "FCO CIA"),
    "SAO": ("BR", "Sao Paulo", "GRU CGH VCP"),
    "SEL": ("KR", "Seoul", "ICN GMP"),
    "SHA": ("CN", "Shanghai", "PVG SHA"),
    "STO": ("SE", "Stockholm", "ARN BMA"),
    "TPE": ("TW", "Taipei", "TPE TSA"),
    "TYO": ("JP", "Tokyo", "NRT HND"),
    "WAS": ("US", "Washington", "IAD DCA BWI"),
    "YMQ": ("CA", "Montreal", "YUL"),
    "YTO": ("CA", "Toronto", "YYZ YTZ"),
}

# Airports whose airportsdata city is the suburb the airport stands in, or a long form,
# rather than the name of the city it serves, for airports that host CDN POPs.
CITY_NAMES = {
    "BEG": "Belgrade",
    "FRA": "Frankfurt",
    "GUM": "Hagatna",
    "IST": "Istanbul",
    "KTI": "Phnom Penh",
    "SRE": "Sucre",
    "YVR": "Vancouver",
}

# Bunny's region list (GET /region on api.bunny.net): RegionCode -> the IATA code of the
# city its Name gives ("EU: Frankfurt, DE" -> FRA). Its Server header names a POP by that
# code plus an index (`BunnyCDN-DE1-601`, `BunnyCDN-SG2-…`). A region whose city has no
# airport of its own is left out (Novi Travnik, San Pedro de Montes de Oca, Fujairah):
# those POPs get their country only. "WAR" (Warsaw) is not in the list but appears in
# Server headers beside it.
BUNNY_REGIONS = {
    "ADL": "ADL", "AE": "DXB", "AM": "EVN", "AMS": "AMS", "AO": "LAD", "AR": "BUE",
    "ASB": "WAS", "AT": "VIE", "AUC": "AKL", "AZ": "GYD", "BD": "DAC", "BG": "SOF",
    "BHR": "BAH", "BO": "BOS", "BOL": "SRE", "BR": "SAO", "BRB": "BNE", "BS": "BSB",
    "BU": "BUH", "CA": "YTO", "CCU": "CCU", "CEN": "MAA", "CH": "ZRH", "CL": "SCL",
    "CLT": "CLT", "CO": "BOG", "CT": "CPT", "CY": "ECN", "CZ": "PRG", "DD": "DUS",
    "DE": "FRA", "DEN": "DEN", "DK": "CPH", "EC": "UIO", "EG": "CAI", "ES": "MAD",
    "FI": "HEL", "FO": "FOR", "FR": "PAR", "GA": "ATL", "GEO": "TBS", "GR": "ATH",
    "GT": "GUA", "GU": "GUM", "HI": "HNL", "HK": "HKG", "HOU": "HOU", "HR": "ZAG",
    "HU": "BUD", "ID": "JKT", "IE": "DUB", "IL": "CHI", "IN": "BLR", "IQ": "BGW",
    "IS": "KEF", "ISR": "TLV", "IT": "MIL", "JH": "JNB", "JO": "AMM", "JP": "TYO",
    "KC": "MCI", "KE": "NBO", "KG": "BSZ", "KH": "KHV", "KR": "SEL", "KY": "KJA",
    "KZ": "ALA", "LA": "LAX", "LJ": "LJU", "LT": "VNO", "LU": "LUX", "LV": "RIX",
    "MD": "RMO", "MEL": "MEL", "MG": "UBN", "MI": "MIA", "MN": "YMQ", "MS": "MRS",
    "MSP": "MSP", "MU": "BOM", "MX": "MEX", "MY": "KUL", "ND": "DEL", "NG": "LOS",
    "NO": "OSL", "NP": "KTM", "NY": "NYC", "OG": "OGD", "PA": "POA", "PB": "PIT",
    "PE": "LIM", "PER": "PER", "PH": "MNL", "PHX": "PHX", "PK": "KHI", "PL": "WAW",
    "PP": "KTI", "PR": "SJU", "PT": "LIS", "RI": "RUH", "RJ": "RIO", "RS": "BEG",
    "RU": "MOW", "SE": "STO", "SG": "SIN", "SIL": "SJC", "SK": "BTS", "SYD": "SYD",
    "TH": "BKK", "TN": "TUN", "TR": "IST", "TW": "TPE", "TX": "DFW", "UA": "KBP",
    "UK": "LON", "VA": "YVR", "VN": "SGN", "WA": "SEA", "WAR": "WAW",
}
# The countries the region list gives, checked against each metro's (a transcription
# slip would place a POP in the wrong country). Only codes whose country differs from
# the code's own letters are spelled out; the rest are ISO codes of their country.
# airportsdata files Puerto Rico's airports under the United States, so "PR" does too.
BUNNY_COUNTRIES = {
    "ADL": "AU", "AMS": "NL", "ASB": "US", "AUC": "NZ", "BHR": "BH", "BO": "US",
    "BOL": "BO", "BRB": "AU", "BS": "BR", "BU": "RO", "CCU": "IN", "CEN": "IN",
    "CLT": "US", "CT": "ZA", "DD": "DE", "DEN": "US", "FO": "BR", "GA": "US",
    "GEO": "GE", "HI": "US", "HOU": "US", "IL": "US", "IN": "IN", "ISR": "IL",
    "JH": "ZA", "KC": "US", "KH": "RU", "KY": "RU", "LA": "US", "LJ": "SI",
    "MEL": "AU", "MG": "MN", "MI": "US", "MN": "CA", "MS": "FR", "MSP": "US",
    "MU": "IN", "ND": "IN", "NY": "US", "OG": "US", "PA": "BR", "PB": "US",
    "PER": "AU", "PHX": "US", "PP": "KH", "PR": "US", "RI": "SA", "RJ": "BR", "SIL": "US",
    "SYD": "AU", "TX": "US", "UK": "GB", "VA": "CA", "WA": "US", "WAR": "PL",
}

# KeyCDN's X-Edge-Location codes seen in responses: the country TLD and two letters for
# the city, mapped to the city's IATA code. Codes not listed give their country only.
KEYCDN_CODES = {
    "aedx": "DXB", "ausy": "SYD", "brsp": "SAO", "defr": "FRA", "sgsg": "SIN",
    "uklo": "LON", "usla": "LAX", "usny": "NYC", "zajn": "JNB",
}

# Russia spans two regions; its airports carry an IANA time zone, whose prefix
# (Europe/… or Asia/…) says which side of the Urals they are on.
RUSSIA_SPLIT = {"Europe": EUROPE, "Asia": ASIA}


def metro_of_airport() -> dict[str, str]:
    """Airport -> the metro code IATA groups it under; airports not grouped are their
    own metro."""
    grouped = {}
    for metro, (_, _, airports) in METROS.items():
        for airport in airports.split():
            if airport in grouped:
                raise SystemExit(f"{airport} is in two metros")
            grouped[airport] = metro
    return grouped


def checked_name(name: str, code: str) -> str:
    """City names go into a `|`-separated table and onto the screen. airportsdata leaves
    some empty (remote strips); those airports get no city rather than a made-up one."""
    if "|" in name or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise SystemExit(f"{code} has an unusable city name {name!r}")
    return name


def place_lines(airports: dict) -> dict[str, str]:
    """ "IATA|CC|METRO|City|Region" per airport and metro code: METRO is empty when the
    airport is its own metro, Region is empty unless it differs from the country's
    (Russia east of the Urals: "VVO|RU||Vladivostok|Asia")."""
    grouped = metro_of_airport()
    lines = {}
    unknown = set()
    for code, airport in sorted(airports.items()):
        country = airport["country"]
        if country in UNPLACED:
            continue
        if country not in COUNTRY_REGION:
            unknown.add(country)
            continue
        region = ""
        if country == "RU":
            region = RUSSIA_SPLIT.get(airport["tz"].split("/")[0], EUROPE)
            if region == COUNTRY_REGION["RU"]:
                region = ""
        metro = grouped.get(code, code)
        if metro != code and METROS[metro][0] != country:
            raise SystemExit(f"{code} is in {country}, its metro {metro} is not")
        city = METROS[metro][1] if metro != code or code in METROS else CITY_NAMES.get(code, airport["city"])
        lines[code] = f"{code}|{country}|{'' if metro == code else metro}|{checked_name(city, code)}|{region}"
    if unknown:
        raise SystemExit(f"airportsdata has countries with no region: {sorted(unknown)}")
    for code, (country, city, _) in METROS.items():
        if code not in airports:
            lines[code] = f"{code}|{country}||{checked_name(city, code)}|"
    return lines


def provider_lines(codes: dict[str, str], countries: dict[str, str], places: dict[str, str]) -> list[str]:
    """ "CODE|METRO" per provider code, after checking that the metro exists and lies in
    the country the provider gives."""
    lines = []
    for code, metro in sorted(codes.items()):
        if metro not in places:
            raise SystemExit(f"provider code {code}: {metro} is neither an airport nor a metro")
        metro_country = places[metro].split("|")[1]
        if metro_country != countries[code]:
            raise SystemExit(f"provider code {code} is in {countries[code]}, {metro} in {metro_country}")
        lines.append(f"{code}|{metro}")
    return lines


def country_lines() -> list[str]:
    lines = [f"{code} {region}" for code, region in COUNTRY_REGION.items()]
    lines += [f"{alias} {COUNTRY_REGION[code]}" for alias, code in COUNTRY_ALIASES.items()]
    return sorted(lines)


def swift_source(version: str, countries: list[str], places: list[str],
                 bunny: list[str], keycdn: list[str]) -> str:
    def literal(lines: list[str]) -> str:
        # A raw multi-line literal: no escapes to worry about, one entry per line.
        return '#"""\n' + "\n".join(lines) + '\n"""#'

    return f"""\
// Generated by scripts/generate_pop_regions.py from airportsdata {version}.
// Do not edit: change the script and run it again.
// swift-format-ignore-file

extension POPRegions {{
    /// "CC Region" per line: ISO 3166-1 alpha-2 country code, then a `Continent` raw value.
    static let countryTable = {literal(countries)}

    /// "IATA|CC|METRO|City|Region" per airport and IATA metro code. METRO is empty when the
    /// airport is its own metro; Region is empty unless it differs from the country's
    /// (Russia east of the Urals: "VVO|RU||Vladivostok|Asia").
    static let placeTable = {literal(places)}

    /// "CODE|METRO" per Bunny region code (the letters of `BunnyCDN-DE1-601`).
    static let bunnyTable = {literal(bunny)}

    /// "code|METRO" per KeyCDN `X-Edge-Location` code.
    static let keycdnTable = {literal(keycdn)}
}}
"""


def main() -> None:
    version = importlib.metadata.version("airportsdata")
    airports = airportsdata.load("IATA")
    places = place_lines(airports)
    bunny_countries = {code: BUNNY_COUNTRIES.get(code, code) for code in BUNNY_REGIONS}
    keycdn_countries = {code: COUNTRY_ALIASES.get(code[:2].upper(), code[:2].upper()) for code in KEYCDN_CODES}
    source = swift_source(version, country_lines(), [places[code] for code in sorted(places)],
                          provider_lines(BUNNY_REGIONS, bunny_countries, places),
                          provider_lines(KEYCDN_CODES, keycdn_countries, places))
    OUTPUT.write_text(source, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(places)} places, airportsdata {version})", file=sys.stderr)


if __name__ == "__main__":
    main()
