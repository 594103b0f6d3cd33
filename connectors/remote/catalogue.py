"""Known public sources a controller can name by URI (``fundcheck sources``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownSource:
    uri: str
    title: str
    platform: str
    what: str
    status: str  # V: verified on a real payload; C: claimed by a third party


KNOWN_SOURCES: tuple[KnownSource, ...] = (
    KnownSource(
        "cohesiondata:hgyj-gyin?ms=FR",
        "2021-2027 Finances details (categorisation, multi funds), France",
        "Cohesion Open Data",
        "planned EU and total amounts per programme, priority, fund and category",
        "V",
    ),
    KnownSource(
        "cohesiondata:99js-gm52?ms=FR",
        "ESIF 2014-2020 Finance Implementation Details, France",
        "Cohesion Open Data",
        "planned and declared amounts per programme and year (cumulative)",
        "V",
    ),
    KnownSource(
        "cohesiondata:e4v6-qrrq?ms=FR",
        "ESIF 2014-2020 Finances planned details, France",
        "Cohesion Open Data",
        "planned EU and national amounts per programme, priority and fund",
        "C",
    ),
    KnownSource(
        "cohesiondata:557j-pmg8?country=France",
        "2014-2020 Kohesio projects, France",
        "Cohesion Open Data",
        "list of operations 2014-2020 (no beneficiary names)",
        "C",
    ),
    KnownSource(
        "kohesio:projects?country=https://linkedopendata.eu/entity/Q20&program=PROGRAM-URI",
        "Kohesio project search, one French programme",
        "Kohesio",
        "operations of one programme (at most 1 000 per query)",
        "V",
    ),
    KnownSource(
        "kohesio:dump/data/projects-2021-2027/2025-11-10/FR-pp21-27-20251110.csv",
        "Kohesio bulk dump, France 2021-2027 (dated folder)",
        "Kohesio",
        "every French 2021-2027 operation in Kohesio",
        "C",
    ),
    KnownSource(
        "datagouv:gestion-des-fonds-europeens-en-ile-de-france-liste-des-operations",
        "Gestion des fonds européens en Île-de-France : liste des opérations",
        "data.gouv.fr",
        "list of operations 2014-2020 of Île-de-France",
        "C",
    ),
    KnownSource(
        "https://www.europe-en-france.gouv.fr/sites/default/files/2026-03/"
        "20260316_liste_operations_conventionnees_FEDER_FSE_FTJ_0.xlsx",
        "Liste des opérations FEDER/FSE+/FTJ 2021-2027, edition 16 March 2026",
        "europe-en-france.gouv.fr",
        "national list of operations (each edition has a new dated file name)",
        "C",
    ),
)
