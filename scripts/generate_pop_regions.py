#!/usr/bin/env python3
"""Generate Sources/CDNTopCore/Geography/POPRegionTable.generated.swift.

CDN POP codes are mostly IATA airport codes (Cloudflare's CF-Ray suffix, Fastly's
X-Served-By, CloudFront's X-Amz-Cf-Pop, Fly regions) or ISO country codes (Bunny,
KeyCDN). cdntop groups POPs by the seven regions of `Continent`, so it needs
IATA -> ISO country -> region. The airport list comes from the PyPI package
`airportsdata`; the country -> region table below is written by hand, because
the usual continent tables fold the Middle East into Asia, and cdntop keeps it
apart (the story's Middle East latency was 681 ms against ~500 ms for Asia).

The output is one Swift source holding the data as two string literals, parsed
lazily at first use: a dictionary literal of ~8,000 entries takes the type
checker minutes, and a SwiftPM resource (Bundle.module) breaks when the binary
is copied elsewhere.

Usage:  pip install airportsdata && python3 scripts/generate_pop_regions.py
The script fails, rather than guess, if airportsdata names a country that the
table below does not place.
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

# IATA metropolitan-area codes: several CDNs name a POP after the city rather than
# one of its airports (Chicago "CHI", Stockholm "STO"). They are not airports, so
# airportsdata lacks them; an airport with the same code always wins.
CITY_CODES = {
    "BJS": "CN", "BUE": "AR", "CHI": "US", "JKT": "ID", "LON": "GB", "MIL": "IT",
    "MOW": "RU", "NYC": "US", "OSA": "JP", "PAR": "FR", "RIO": "BR", "ROM": "IT",
    "SAO": "BR", "SEL": "KR", "STO": "SE", "TYO": "JP", "WAS": "US", "YMQ": "CA",
    "YTO": "CA",
}

# Russia spans two regions; its airports carry an IANA time zone, whose prefix
# (Europe/… or Asia/…) says which side of the Urals they are on.
RUSSIA_SPLIT = {"Europe": EUROPE, "Asia": ASIA}


def airport_lines(airports: dict) -> list[str]:
    """ "IATA CC" per airport, with the region appended where it differs from
    the country's ("VVO RU Asia"). """
    lines = []
    unknown = set()
    for code, airport in sorted(airports.items()):
        country = airport["country"]
        if country in UNPLACED:
            continue
        if country not in COUNTRY_REGION:
            unknown.add(country)
            continue
        line = f"{code} {country}"
        if country == "RU":
            region = RUSSIA_SPLIT.get(airport["tz"].split("/")[0], EUROPE)
            if region != COUNTRY_REGION["RU"]:
                line += f" {region}"
        lines.append(line)
    if unknown:
        raise SystemExit(f"airportsdata has countries with no region: {sorted(unknown)}")
    for code, country in sorted(CITY_CODES.items()):
        if code not in airports:
            lines.append(f"{code} {country}")
    return sorted(lines)


def country_lines() -> list[str]:
    lines = [f"{code} {region}" for code, region in COUNTRY_REGION.items()]
    lines += [f"{alias} {COUNTRY_REGION[code]}" for alias, code in COUNTRY_ALIASES.items()]
    return sorted(lines)


def swift_source(version: str, countries: list[str], airports: list[str]) -> str:
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

    /// "IATA CC" per line, with a third field when the region differs from the
    /// country's (Russia east of the Urals: "VVO RU Asia").
    static let airportTable = {literal(airports)}
}}
"""


def main() -> None:
    version = importlib.metadata.version("airportsdata")
    airports = airportsdata.load("IATA")
    source = swift_source(version, country_lines(), airport_lines(airports))
    OUTPUT.write_text(source, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(airports)} airports, airportsdata {version})", file=sys.stderr)


if __name__ == "__main__":
    main()
