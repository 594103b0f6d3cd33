"""The embedded demo dataset: a French national list of operations 2021-2027 with known defects.

``generate_demo()`` builds, deterministically from a seed, a list of operations FEDER / FSE+ / FTJ
in the exact format of the national publication (europe-en-france.gouv.fr, edition 2026-03-16):
the 23 published headers in order, values written as the publication writes them
("84/Auvergne-Rhône-Alpes", "044 - Rénovation …", "RSO2.1 - <libellé>", Pays "FRA" or
"France", rates as fractions).
Programmes are the real French 2021-2027 programmes (the 18 regional programmes, the national ESF+
programme and the national JTF programme), postcodes are real La Poste postcodes of the operation's
département, specific objectives and Annex I intervention fields are consistent with the fund, the
co-financing rate respects the ceiling of the category of region, the EU amount is eligible cost ×
rate rounded to the cent, and dates lie in 2021-2029. Beneficiaries are invented organisations
with real place names. A few cells are written the way real files write them and must only be
*normalised* (info findings): postcodes and départements stored as numbers without their leading
zero, pre-2016 region codes ("83/Auvergne"), two intervention fields in one cell, "Volet national"
operations with no location but a zone.

Clean rows break no rule. Exactly one row per defect below is altered (each in its own region);
``DemoDataset.defects`` records, for each, the rule id, the spreadsheet row (header = row 1), the
INSEE region the finding must be attributed to, the canonical field and the injected value.

======================================  =======  ==============================================
Rule                                    Region   Injected defect
======================================  =======  ==============================================
eu21.art49.mandatory_field              84       "Nom du bénéficiaire" left empty
eu21.art49.mandatory_field              94       "Objectifs et réalisations …" left empty
eu21.art49.location_indicator           93       postcode, zone, département and région all
                                                 empty: the region comes from the programme
eu.cci.format                           32       NUMCCI "2021FR16FFPR0X8" (region from the cell)
eu21.cci.known_programme                76       NUMCCI "2021FR16FFPR099" (well formed, unknown)
eu21.fund.valid                         28       Fonds "FEDR"
eu21.specific_objective.valid_for_fund  27       "ESO4.1" (an ESF+ objective) on a FEDER row
eu21.intervention_field.valid           24       "999 - Assistance technique forfaitaire"
fr.postcode.format                      11       beneficiary postcode "75O01" (letter O)
fr.postcode.exists                      53       operation postcode absent from La Poste (warning)
eu.country.valid                        44       Pays "Allemange"
eu.dates.start_before_end               52       start and end dates swapped
eu21.dates.eligibility_window           04       start date in 2019 (warning)
eu.rate.range                           01       rate 1.5; the EU amount still follows the true
                                                 rate, so eu.amount.consistent_with_rate (warning)
                                                 fires on the same row too
eu.amount.eu_not_above_eligible         02       EU amount = 100.4 % of eligible cost, rate 1.0
                                                 (within the rate tolerance; the 100 % rate is
                                                 eu.cofinancing.full_rate, a warning)
eu.amount.consistent_with_rate          03       EU amount 10 % below eligible × rate (warning)
eu21.art49.unique_operation_id          75       an earlier operation number of the same
                                                 programme repeated (only this 2nd row is a finding)
read.unreadable_value                   06       start date "31/02/2023"
======================================  =======  ==============================================

Programme-level breaches for the aggregate checks (a co-financing ceiling exceeded, an ERDF
concentration shortfall, a split operation, a double-funded operation) are injected after these,
in other rows (``fundcheck.demo.breaches``); the clean rows are tuned so that no beneficiary runs
two operations of the same title at overlapping dates.

``write_demo()`` writes the dataset as the publication does: an .xlsx workbook with one sheet
"LISTE OPERATION AU 16 03 2026". ``generate_operations()`` and ``inject_random_defects()`` are the
same row builder for large benchmark files (vectorised: a million rows in seconds).
"""

from fundcheck.demo.dataset import DemoDataset, InjectedDefect
from fundcheck.demo.defects import inject_random_defects
from fundcheck.demo.generate import generate_demo, generate_operations
from fundcheck.demo.vocabulary import (
    DEFAULT_OPERATIONS,
    DEFAULT_SEED,
    FORMAT_ID,
    header_of,
    national_headers,
    sheet_name,
)
from fundcheck.demo.writers import write_csv, write_demo, write_xlsx

__all__ = [
    "DEFAULT_OPERATIONS",
    "DEFAULT_SEED",
    "FORMAT_ID",
    "DemoDataset",
    "InjectedDefect",
    "generate_demo",
    "generate_operations",
    "header_of",
    "inject_random_defects",
    "national_headers",
    "sheet_name",
    "write_csv",
    "write_demo",
    "write_xlsx",
]
