"""The CPER rules (CPER.md §4): id, severity, legal or published basis, FR/EN messages.

A CPER is a non-binding contract (CE, 25 oct. 1996, n° 169557): only arithmetic impossibilities
are errors; conformity to the contract is a warning; context is information. Where one rule of
§4 has two severities (e.g. negative annual AE is legal, a negative cumulative is not), the second
one carries a suffixed id (``CPER-012.retrait``).
"""

from __future__ import annotations

from fundcheck.model import Rule, Scope, Severity, Status

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

NON_BINDING = "CE, 25 oct. 1996, n° 169557 (CPER sans effet contraignant)"
LOLF = "LOLF (loi organique n° 2001-692) art. 8 (AE / CP)"


def _rule(
    rule_id: str,
    severity: Severity,
    scope: Scope,
    title: tuple[str, str],
    message: tuple[str, str],
    basis: str,
    status: Status = "C",
) -> Rule:
    return Rule(
        id=rule_id,
        severity=severity,
        origin="check",
        scope=scope,
        family="cper",
        title_fr=title[0],
        title_en=title[1],
        message_fr=message[0],
        message_en=message[1],
        legal_basis=basis,
        status=status,
    )


CPER_RULES: tuple[Rule, ...] = (
    _rule(
        "CPER-001", E, "record",
        ("Les financeurs égalent le coût total", "Financers add up to the total cost"),
        ("{what} : somme des financeurs {value} ≠ total {expected} (écart {delta})",
         "{what}: financers add up to {value}, total is {expected} (gap {delta})"),
        "arithmetic; published CPER totals add up to rounding (CPER.md §4)", "V",
    ),
    _rule(
        "CPER-002", W, "dataset",
        ("Les lignes égalent les totaux imprimés", "Rows add up to the printed totals"),
        ("{what} : somme des lignes {value} ≠ total imprimé {expected} (écart {delta})",
         "{what}: rows add up to {value}, printed total is {expected} (gap {delta})"),
        "published figure (DATAR 1984-2006, Sénat l23-128-311-2): totals as printed", "V",
    ),
    _rule(
        "CPER-003", E, "record",
        ("CP cumulés ≤ AE cumulées", "Cumulative CP ≤ cumulative AE"),
        ("{what} : CP cumulés {value} > AE cumulées {expected} au {year}",
         "{what}: cumulative payments {value} exceed cumulative commitments {expected} in {year}"),
        LOLF + "; restes à payer = AE − CP ≥ 0",
    ),
    _rule(
        "CPER-004", I, "region",
        ("Restes à payer après la fin de la génération", "Outstanding payments after the end"),
        ("{what} : {value} de restes à payer après la fin des engagements ({expected})",
         "{what}: {value} still to pay after the end of commitments ({expected})"),
        "Sénat l23-128-311-2 (restes à payer reportés, mobilité 2015-2020)", "V",
    ),
    _rule(
        "CPER-005", W, "region",
        ("AE cumulées ≤ montant contractualisé", "Cumulative AE ≤ contracted amount"),
        ("{what} : AE cumulées {value} = {rate} du contractualisé {expected}, sans avenant",
         "{what}: cumulative AE {value} = {rate} of the contracted {expected}, no amendment"),
        NON_BINDING + "; Aquitaine 2007-2014 106 % (opérations densifiées)",
    ),
    _rule(
        "CPER-005.avenant", I, "region",
        ("Dépassement couvert par un avenant", "Overrun covered by an amendment"),
        ("{what} : AE cumulées {value} = {rate} du contractualisé {expected}, avenant {avenant}",
         "{what}: cumulative AE {value} = {rate} of the contracted {expected}, "
         "amendment {avenant}"),
        NON_BINDING + "; Aquitaine 2007-2014 106 % (opérations densifiées)",
    ),
    _rule(
        "CPER-006", W, "region",
        ("Exécution au regard du taux théorique", "Execution against the theoretical rate"),
        ("{what} : taux d'engagement {value} pour un taux théorique {expected} ({gap} pts)",
         "{what}: commitment rate {value} against a theoretical rate of {expected} ({gap} pts)"),
        "taux théorique = années écoulées / durée (Sénat a99-091-11, r05-036; CESER PdL 2010)",
    ),
    _rule(
        "CPER-007", I, "region",
        ("Rapport CP / AE", "Payments to commitments ratio"),
        ("{what} : CP / AE = {value} après {years} ans (repère ≈ 0,55 en fin de génération)",
         "{what}: CP / AE = {value} after {years} years (benchmark ≈ 0.55 at generation end)"),
        "Sénat l21-163-36-2 (45 % / 77 % fin 2020), l23-128-311-2", "V",
    ),
    _rule(
        "CPER-008", W, "region",
        ("Taux calculés sur le seul contractualisé", "Rates on contracted credits only"),
        ("{what} : l'enveloppe contractualisée {value} inclut les crédits valorisés ({expected})",
         "{what}: the contracted envelope {value} includes the valorised credits ({expected})"),
        "CESER Pays de la Loire 2021; PACA 2015-2020 (851 M€ valorisés)", "V",
    ),
    _rule(
        "CPER-009", E, "record",
        ("Pas d'AE nouvelles sur une génération close", "No new AE on a closed generation"),
        ("{what} : {value} d'AE en {year}, après la fin des engagements ({expected})",
         "{what}: {value} committed in {year}, after the end of commitments ({expected})"),
        "Sénat l21-163-36-2 (CPER 2007-2014 et 2015-2020 clôturés, plus d'AE)", "V",
    ),
    _rule(
        "CPER-010", E, "record",
        ("CP après la fin dans la limite des restes à payer", "CP after the end within RAP"),
        ("{what} : {value} de CP en {year} pour {expected} de restes à payer",
         "{what}: {value} paid in {year} against {expected} outstanding"),
        LOLF + "; Sénat l23-128-311-2",
    ),
    _rule(
        "CPER-011", W, "record",
        ("Volet mobilité 2021-2027 exécuté en 2023-2027", "2021-27 mobility volet runs 2023-27"),
        ("{what} : AE de mobilité en {year} hors de la période 2023-2027",
         "{what}: mobility commitments in {year}, outside 2023-2027"),
        "Sénat l22-115-311-2, l23-128-311-2 (avenants mobilité 2023-2027)", "V",
    ),
    _rule(
        "CPER-012", E, "record",
        ("AE cumulées négatives", "Negative cumulative AE"),
        ("{what} : AE cumulées négatives ({value}) au {year}",
         "{what}: negative cumulative commitments ({value}) in {year}"),
        LOLF + "; BUDGET-P112-PLR2020/2021 (retraits d'engagement)", "V",
    ),
    _rule(
        "CPER-012.retrait", I, "region",
        ("AE annuelles négatives (retraits)", "Negative annual AE (withdrawals)"),
        ("{count} flux annuels d'AE négatifs (retraits d'engagement, légaux), total {value}",
         "{count} negative annual AE flows (legal commitment withdrawals), total {value}"),
        "BUDGET-P112-PLR2020/2021 (−4 737 185 €, −2 342 915 €)", "V",
    ),
    _rule(
        "CPER-013", W, "region",
        ("Clé État / Région déclarée", "Declared State / Region key"),
        ("{what} : part de l'État {value}, clé déclarée {expected} (± 2 pts)",
         "{what}: State share {value}, declared key {expected} (± 2 pts)"),
        "clés publiées: parité (PdL, AURA, BFC), IDF 42/58, Bretagne 48/52", "V",
    ),
    _rule(
        "CPER-013.sans_cle", I, "region",
        ("Part de l'État hors de [40 %, 60 %]", "State share outside [40 %, 60 %]"),
        ("{what} : part de l'État {value} hors de [40 %, 60 %], aucune clé déclarée",
         "{what}: State share {value} outside [40 %, 60 %], no declared key"),
        "clés publiées: parité dans la plupart des régions (CPER.md §2.3)",
    ),
    _rule(
        "CPER-014", W, "record",
        ("Volet connu du contrat", "Volet in the contract's list"),
        ("{what} : volet « {value} » absent de la liste des volets du contrat",
         "{what}: volet '{value}' is not in the contract's list of volets"),
        "collectivites-locales.gouv.fr (pas d'axes prédéfinis: liste propre à chaque contrat)", "V",
    ),
    _rule(
        "CPER-015", E, "record",
        ("Code de programme LOLF valide", "Valid LOLF programme code"),
        ("{what} : programme « {value} » illisible (attendu P suivi de 3 chiffres)",
         "{what}: programme '{value}' cannot be read (expected P and 3 digits)"),
        "LOLF art. 7 (programmes); programmes CPER vus CPER.md §2.3",
    ),
    _rule(
        "CPER-015.normalise", I, "record",
        ("Code de programme normalisé", "Programme code normalised"),
        ("{what} : programme « {value} » lu comme {expected}",
         "{what}: programme '{value}' read as {expected}"),
        "LOLF art. 7 (programmes)",
    ),
    _rule(
        "CPER-015.volet", W, "record",
        ("Programme cohérent avec le volet", "Programme consistent with the volet"),
        ("{what} : programme {value} inattendu sur un volet {expected}",
         "{what}: programme {value} unexpected on a {expected} volet"),
        "programmes contributeurs CPER.md §2.3 (P112 territorial, P150 ESR, P203 mobilité)",
    ),
    _rule(
        "CPER-016", E, "record",
        ("Code région INSEE connu", "Known INSEE region code"),
        ("{what} : code région « {value} » inconnu",
         "{what}: region code '{value}' is unknown"),
        "INSEE code officiel géographique (régions 2016)", "V",
    ),
    _rule(
        "CPER-016.ancien", W, "record",
        ("Code région d'avant 2016 sur un contrat 2021-2027", "Pre-2016 region code on 2021-27"),
        ("{what} : code région d'avant 2016 « {value} » (région actuelle {expected})",
         "{what}: pre-2016 region code '{value}' (current region {expected})"),
        "loi n° 2015-29 (régions au 1er janvier 2016)", "V",
    ),
    _rule(
        "CPER-017", W, "dataset",
        ("Unité cohérente avec les montants", "Unit consistent with the amounts"),
        ("{what} : montants annoncés en {expected}, coût médian {value} : unité probable M€",
         "{what}: amounts headed {expected} but median cost {value}: probably M€"),
        "sources en €, M€ et Md€ (RAP, CESER, Sénat; CPER.md §4)",
    ),
    _rule(
        "CPER-018", W, "region",
        ("Un arrêté d'exécution par exercice", "One execution snapshot per year"),
        ("{what} : aucun flux d'exécution pour l'exercice {value}",
         "{what}: no execution flow for budget year {value}"),
        "AN QE 69982 (suivi par le préfet); Cour des comptes 2014 rec. 4.1",
    ),
    _rule(
        "CPER-019", W, "region",
        ("Modification d'enveloppe sans avenant", "Envelope change without amendment"),
        ("{what} : montant passé de {expected} à {value} sans avenant enregistré",
         "{what}: amount changed from {expected} to {value} with no recorded amendment"),
        "avenants publiés (PACA avenant n° 3, N-A avenant n° 8, revoyure 2016)", "V",
    ),
    _rule(
        "CPER-020", W, "region",
        ("Transfert entre volets sans avenant", "Transfer between volets without amendment"),
        ("{what} : {value} passés d'un volet à l'autre sans avenant de transfert entre volets",
         "{what}: {value} moved between volets without a transfer amendment"),
        "avenants de transfert entre volets (CPER.md §3.2); aucune limite chiffrée trouvée", "U",
    ),
    _rule(
        "CPER-021", W, "record",
        ("Euro compté deux fois CPER / UE", "A euro counted both as CPER and EU"),
        ("{what} : présente dans la liste d'opérations {expected} (UE {value}) sans financeur UE "
         "dans le plan CPER : la part UE est comptée dans une part nationale",
         "{what}: in list of operations {expected} (EU {value}) with no EU financer in the CPER "
         "plan: the EU share is counted in a national share"),
        "laregion.fr (CPER = contreparties nationales des fonds UE); CPR (UE) 2021/1060 art. 63",
    ),
    _rule(
        "CPER-021.cofinancee", I, "record",
        ("Opération cofinancée CPER et UE", "Operation co-financed by CPER and EU"),
        ("{what} : aussi dans la liste d'opérations {expected} (UE {value})",
         "{what}: also in list of operations {expected} (EU {value})"),
        "laregion.fr (CPER = contreparties nationales des fonds UE)",
    ),
    _rule(
        "CPER-021.montant", W, "record",
        ("Montant UE différent entre CPER et liste", "EU amount differs between CPER and list"),
        ("{what} : part UE {value} dans le plan CPER, {expected} dans la liste d'opérations",
         "{what}: EU share {value} in the CPER plan, {expected} in the list of operations"),
        "CPR (UE) 2021/1060 art. 49 (liste des opérations); suivi conjoint CPER/FEDER "
        "(Cour des comptes 2014, rec. 4.2)",
    ),
    _rule(
        "CPER-023", W, "dataset",
        ("Sommes régionales dans l'enveloppe nationale", "Regional sums within national envelope"),
        ("{what} : somme régionale {value} > enveloppe nationale {expected} + 5 %",
         "{what}: regional sum {value} > national envelope {expected} + 5 %"),
        "Sénat l23-128-311-2, l24-144-311-2 (mobilité 2023-2027 : 9,0 Md€ État)", "V",
    ),
    _rule(
        "CPER-025", I, "dataset",
        ("Moyenne pondérée ou non", "Weighted vs unweighted average"),
        ("{what} : moyenne publiée {value} = moyenne {kind} ({expected}); l'autre vaut {other}",
         "{what}: published mean {value} = {kind} mean ({expected}); the other is {other}"),
        "Sénat a99-091-11 (taux moyen 74,20 % = moyenne non pondérée)", "V",
    ),
    _rule(
        "CPER-026", W, "record",
        ("Dates d'opération cohérentes", "Consistent operation dates"),
        ("{what} : fin prévue {value} avant le début prévu {expected}",
         "{what}: planned end {value} before planned start {expected}"),
        "RULES.md §9.6 P5",
    ),
    _rule(
        "CPER-027", E, "record",
        ("SIRET du maître d'ouvrage valide", "Valid project owner SIRET"),
        ("{what} : SIRET « {value} » invalide (clé de Luhn)",
         "{what}: SIRET '{value}' is invalid (Luhn key)"),
        "INSEE SIRENE: SIRET = SIREN + NIC, clé de Luhn (RULES.md §8)", "V",
    ),
    _rule(
        "CPER-028", I, "dataset",
        ("Sources publiées en conflit", "Conflicting published sources"),
        ("{what} : {value} selon une source, {expected} selon une autre",
         "{what}: {value} in one source, {expected} in another"),
        "PACA Région 844,63 vs 835,02 M€; Grand Est 2 076 vs 2 173 M€ (CPER.md §4)", "V",
    ),
    _rule(
        "CPER-029", W, "record",
        ("Programmé ≥ engagé", "Programmed ≥ committed"),
        ("{what} : montant programmé {value} < AE engagées {expected}",
         "{what}: programmed amount {value} < committed {expected}"),
        "CESER PdL 2010 (programmation 66,7 % vs engagement 58,4 %)",
    ),
)  # fmt: skip

RULE = {rule.id: rule for rule in CPER_RULES}

NOT_IMPLEMENTED: dict[str, str] = {
    "CPER-022": "no machine-readable FEDER/CPER demarcation (ligne de partage) exists [U]",
    "CPER-024": "needs LFI, mise en réserve and annulation data per programme, not in the model",
}
"""Rules of CPER.md §4 left out, with the reason (also listed in the README)."""

READ_RULE = Rule(
    id="read.cper_layout",
    severity=Severity.INFO,
    origin="reader",
    scope="dataset",
    family="cper",
    title_fr="Lecture d'un classeur de suivi CPER",
    title_en="How a CPER follow-up workbook was read",
    message_fr="{value}",
    message_en="{expected}",
    legal_basis="CPER.md §3.8 (synonymes d'en-têtes des tableaux de suivi)",
    status="C",
)
"""Reader notes: unit conversions, totals rows set aside, sheets read as volets."""
