"""User-interface wording of the reports, in French and English, and number formatting."""

from __future__ import annotations

from fundcheck.reports.base import Lang

_TEXT: dict[str, tuple[str, str]] = {
    # key: (French, English)
    "title": ("Contrôle de la liste des opérations", "List of operations check"),
    "generated": ("Généré le", "Generated on"),
    "version": ("version de fundcheck", "fundcheck version"),
    "overview": ("Vue nationale", "National overview"),
    "by_region": ("Anomalies par région", "Findings by region"),
    "region": ("Région", "Region"),
    "code": ("Code", "Code"),
    "name": ("Nom", "Name"),
    "records": ("Opérations", "Operations"),
    "findings": ("Anomalies", "Findings"),
    "error": ("Erreurs", "Errors"),
    "warning": ("Avertissements", "Warnings"),
    "info": ("Informations", "Notes"),
    "total": ("Total", "Total"),
    "national": ("National / multirégional", "National / multi-regional"),
    "national_why": ("Pourquoi ici", "Why here"),
    "basis_national_programme": (
        "{n} anomalie(s) d'opérations de programmes nationaux ou multirégionaux",
        "{n} finding(s) on operations of national or multi-regional programmes",
    ),
    "basis_foreign_country": (
        "{n} anomalie(s) d'opérations hors de France",
        "{n} finding(s) on operations outside France",
    ),
    "basis_none": (
        "{n} anomalie(s) d'opérations sans programme connu ni localisation",
        "{n} finding(s) on operations with no known programme and no location",
    ),
    "basis_file": (
        "{n} constat(s) sur un fichier ou un programme entier",
        "{n} finding(s) about a whole file or programme",
    ),
    "rule": ("Règle", "Rule"),
    "rule_title": ("Intitulé", "Title"),
    "family": ("Famille", "Family"),
    "origin": ("Origine", "Origin"),
    "status": ("Statut juridique", "Legal status"),
    "severity": ("Gravité", "Severity"),
    "count": ("Nombre", "Count"),
    "legal_basis": ("Base juridique", "Legal basis"),
    "legal_bases": ("Bases juridiques", "Legal bases"),
    "rules": ("Règles", "Rules"),
    "top_rules": ("Règles les plus en défaut", "Top rules"),
    "counts_by_rule": ("Anomalies par règle", "Findings by rule"),
    "top_anomalies": ("Principales anomalies", "Top anomalies"),
    "all_findings": ("Toutes les anomalies", "All findings"),
    "sources": ("Sources", "Sources"),
    "source": ("Source", "Source"),
    "profile": ("Profil", "Profile"),
    "rows": ("Lignes", "Rows"),
    "period": ("Période", "Period"),
    "sheet": ("Feuille", "Sheet"),
    "format": ("Format", "Format"),
    "suites": ("Suites d'attentes", "Expectation suites"),
    "programme": ("Programme", "Programme"),
    "row": ("Ligne", "Row"),
    "operation_id": ("N° d'opération", "Operation id"),
    "field": ("Champ", "Field"),
    "column": ("Colonne", "Column"),
    "value": ("Valeur", "Value"),
    "expected": ("Attendu", "Expected"),
    "message": ("Message", "Message"),
    "scope": ("Portée", "Scope"),
    "all": ("Toutes", "All"),
    "all_regions": ("toutes régions", "all regions"),
    "search": ("Rechercher", "Search"),
    "show_all": ("Tout afficher", "Show all"),
    "shown": ("anomalie(s) affichée(s)", "finding(s) shown"),
    "no_findings": ("Aucune anomalie.", "No findings."),
    "summary": ("Synthèse", "Summary"),
    "grouped": (
        "{count} opérations identiques (lignes {rows})",
        "{count} identical operations (rows {rows})",
    ),
    "capped": (
        "Seules les {shown} premières anomalies sur {total} sont listées ici ; la liste complète "
        "figure dans report.xlsx et report.json.",
        "Only the first {shown} of {total} findings are listed here; the full list is in "
        "report.xlsx and report.json.",
    ),
    "capped_sheet": (
        "Seules les {shown} premières anomalies sur {total} figurent ici, les plus graves "
        "d'abord ; la liste complète est dans la feuille « {sheet} ».",
        "Only the first {shown} of {total} findings are listed here, worst first; the full list is "
        "in sheet “{sheet}”.",
    ),
    "truncated_sheet": (
        "La feuille {sheet} est limitée à {shown} lignes sur {total} (limite d'Excel) ; la liste "
        "complète figure dans report.json.",
        "Sheet {sheet} holds {shown} of {total} rows (Excel's limit); the full list is in "
        "report.json.",
    ),
    "verdict_fail": (
        "Échec : {count} anomalie(s) de gravité « {severity} » ou plus.",
        "Failed: {count} finding(s) at or above severity “{severity}”.",
    ),
    "verdict_pass": (
        "Réussi : aucune anomalie de gravité « {severity} » ou plus.",
        "Passed: no finding at or above severity “{severity}”.",
    ),
    "verdict_none": (
        "Contrôle terminé (aucun seuil d'échec).",
        "Check complete (no failure threshold).",
    ),
    "examples": ("Exemples", "Examples"),
    "more": ("et {count} autre(s)", "and {count} more"),
    "line": ("ligne {row}", "row {row}"),
}

_SEVERITY: dict[str, tuple[str, str]] = {
    "error": ("erreur", "error"),
    "warning": ("avertissement", "warning"),
    "info": ("information", "info"),
}


def text(key: str, lang: Lang, **values: object) -> str:
    """A UI string in ``lang``, with ``{placeholders}`` filled from ``values``."""
    french, english = _TEXT[key]
    template = french if lang == "fr" else english
    return template.format(**values) if values else template


def severity_label(severity: str, lang: Lang) -> str:
    """The severity as a reader sees it ("erreur", "warning"...)."""
    french, english = _SEVERITY.get(severity, (severity, severity))
    return french if lang == "fr" else english


def number(value: int, lang: Lang) -> str:
    """An integer with thousands separators: "12 345" in French, "12,345" in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if lang == "fr" else grouped
