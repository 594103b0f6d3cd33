import pytest

from fundcheck.connectors.remote.uris import is_uri, parse_uri
from fundcheck.errors import SourceError


@pytest.mark.parametrize(
    "text",
    [
        "datagouv:abc",
        "cohesiondata:hgyj-gyin",
        "kohesio:projects",
        "https://x.org/a.csv",
        "HTTP://X.ORG/a.csv",
    ],
)
def test_uris_are_told_apart_from_paths(text):
    assert is_uri(text)


@pytest.mark.parametrize(
    "text", ["liste.xlsx", "data/datagouv.csv", "C:\\data\\liste.csv", "./https.csv"]
)
def test_paths_are_not_uris(text):
    assert not is_uri(text)


def test_datagouv_dataset_and_resource():
    uri = parse_uri("datagouv:demandes-de-valeurs-foncieres/3004168d-bec4-44d9-a781-ef16f41856a2")
    assert (uri.scheme, uri.target, uri.resource) == (
        "datagouv",
        "demandes-de-valeurs-foncieres",
        "3004168d-bec4-44d9-a781-ef16f41856a2",
    )
    assert parse_uri("datagouv:5c4ae55a634f4117716d5656").resource is None


def test_cohesiondata_keeps_soql_filters():
    uri = parse_uri("cohesiondata:HGYJ-GYIN?$where=ms='FR' AND fund='ERDF'&$order=cci")
    assert uri.target == "hgyj-gyin"
    assert dict(uri.params) == {"$where": "ms='FR' AND fund='ERDF'", "$order": "cci"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cohesiondata:hgyjgyin", "4x4"),
        ("cohesiondata:hgyj-gyin?$limit=10", "pages the dataset itself"),
        ("datagouv:", "not a source URI"),
        ("kohesio:beneficiaries", "kohesio:projects"),
    ],
)
def test_malformed_uris_are_named_in_the_error(text, message):
    with pytest.raises(SourceError) as caught:
        parse_uri(text)
    assert text in str(caught.value) and message in str(caught.value)


def test_kohesio_forms():
    dump = parse_uri("kohesio:dump/data/projects-2021-2027/2025-11-10/FR-pp21-27-20251110.csv")
    assert (dump.target, dump.resource) == (
        "dump",
        "data/projects-2021-2027/2025-11-10/FR-pp21-27-20251110.csv",
    )
    search = parse_uri("kohesio:projects?country=https://linkedopendata.eu/entity/Q20")
    assert dict(search.params) == {"country": "https://linkedopendata.eu/entity/Q20"}
