"""The committed skills & causes taxonomy: structure, consistency, search. No database needed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from matching import taxonomy_build
from matching.taxonomy_search import load_skills, match_skills, normalise, search_text

DATA_DIR = Path(taxonomy_build.__file__).resolve().parent / "taxonomy_data"
REPO_ROOT = DATA_DIR.parent.parent
SHARED = taxonomy_build.DEFAULT_SHARED
needs_shared = pytest.mark.skipif(
    not (SHARED / taxonomy_build.ESCO_CSV).is_file(),
    reason=f"reference data absent from {SHARED}",
)

NEED_CATEGORIES = {
    "website",
    "crm",
    "database",
    "mobile_app",
    "automation",
    "data",
    "cybersecurity",
    "digital_training",
    "other",
}


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@pytest.fixture(scope="module")
def skills_file() -> dict[str, Any]:
    return _load("skills.json")


@pytest.fixture(scope="module")
def skills(skills_file: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = skills_file["skills"]
    return result


@pytest.fixture(scope="module")
def by_slug(skills: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {skill["slug"]: skill for skill in skills}


# --------------------------------------------------------------------------- skills.json


def test_skills_file_shape_and_counts(skills_file: dict[str, Any], skills: list[dict]) -> None:
    assert skills_file["version"] == 1
    assert 150 <= len(skills) <= 250
    assert 10 <= len(skills_file["categories"]) <= 13
    counts = skills_file["counts"]
    assert counts["skills"] == len(skills)
    assert counts["with_esco_uri"] == sum(1 for s in skills if s["esco_uri"])
    assert counts["with_rome_ogr"] == sum(1 for s in skills if s["rome_ogr"])
    expected_keys = {
        "slug",
        "name_fr",
        "name_en",
        "category",
        "aliases",
        "esco_uri",
        "esco_label",
        "rome_ogr",
        "rome_label",
        "related",
    }
    for skill in skills:
        assert set(skill) == expected_keys, skill["slug"]


def test_attribution_is_recorded(skills_file: dict[str, Any]) -> None:
    source = skills_file["source"]
    assert source["esco"]["attribution"] == "ESCO — European Commission"
    assert source["esco"]["version"] == "1.2.0"
    assert source["rome"]["version"] == "4.60"
    assert source["rome"]["licence"] == "Licence Ouverte / Etalab 2.0"


def test_slugs_categories_and_names(skills_file: dict[str, Any], skills: list[dict]) -> None:
    codes = [c["code"] for c in skills_file["categories"]]
    assert len(set(codes)) == len(codes)
    assert all(c["name_fr"] and c["name_en"] for c in skills_file["categories"])
    slugs = [s["slug"] for s in skills]
    assert len(set(slugs)) == len(slugs)
    for skill in skills:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", skill["slug"]), skill["slug"]
        assert skill["category"] in codes
        assert skill["name_fr"].strip() and skill["name_en"].strip()
    # Every category is used.
    assert {s["category"] for s in skills} == set(codes)


def test_french_names_keep_their_accents(by_slug: dict[str, dict[str, Any]]) -> None:
    assert by_slug["relational-databases"]["name_fr"] == "Base de données relationnelle"
    assert by_slug["web-accessibility"]["name_fr"] == "Accessibilité numérique (RGAA)"
    assert by_slug["cybersecurity"]["name_fr"] == "Cybersécurité"


def test_related_is_symmetric_and_resolvable(by_slug: dict[str, dict[str, Any]]) -> None:
    pairs = 0
    for slug, skill in by_slug.items():
        targets = [r["slug"] for r in skill["related"]]
        assert len(set(targets)) == len(targets), slug
        for rel in skill["related"]:
            assert rel["slug"] in by_slug, (slug, rel)
            assert rel["slug"] != slug
            assert 0 < rel["similarity"] < 1
            back = [r for r in by_slug[rel["slug"]]["related"] if r["slug"] == slug]
            assert back == [{"slug": slug, "similarity": rel["similarity"]}], (slug, rel)
            pairs += 1
    assert pairs > 0
    similarity = {r["slug"]: r["similarity"] for r in by_slug["postgresql"]["related"]}
    assert similarity["mysql"] == 0.6
    assert {r["slug"]: r["similarity"] for r in by_slug["react"]["related"]}["vuejs"] == 0.5
    assert {r["slug"]: r["similarity"] for r in by_slug["django"]["related"]}["flask"] == 0.6


def test_esco_and_rome_references(skills: list[dict[str, Any]]) -> None:
    with_esco = [s for s in skills if s["esco_uri"]]
    for skill in with_esco:
        assert skill["esco_uri"].startswith("http://data.europa.eu/esco/skill/")
        assert skill["esco_label"]
    uris = [s["esco_uri"] for s in with_esco]
    assert len(set(uris)) == len(uris), "one ESCO concept per skill"
    # Honest matches only: 142 of 239 skills (59 %) have a genuine ESCO concept; frameworks
    # such as React, Django or Flutter are not in the ESCO digital skills collection.
    assert len(with_esco) / len(skills) >= 0.55
    for skill in skills:
        if skill["rome_ogr"]:
            assert re.fullmatch(r"\d{6}", skill["rome_ogr"]) and skill["rome_label"]
        else:
            assert skill["rome_label"] is None
    assert sum(1 for s in skills if s["rome_ogr"]) >= 50


def test_known_esco_matches(by_slug: dict[str, dict[str, Any]]) -> None:
    assert by_slug["postgresql"]["esco_label"] == "PostgreSQL"
    assert by_slug["gdpr"]["esco_label"] == "GDPR"
    assert by_slug["wordpress"]["esco_label"] == "WordPress"
    assert by_slug["react"]["esco_uri"] is None  # not in ESCO: no forced match


def test_aliases_are_unique_per_skill(skills: list[dict[str, Any]]) -> None:
    for skill in skills:
        norms = [normalise(a) for a in skill["aliases"]]
        assert all(norms), skill["slug"]
        assert len(set(norms)) == len(norms), skill["slug"]


# --------------------------------------------------------------------------- causes and defaults


def test_causes() -> None:
    data = _load("causes.json")
    causes = data["causes"]
    assert data["version"] == 1
    assert 18 <= len(causes) <= 22
    slugs = [c["slug"] for c in causes]
    assert len(set(slugs)) == len(slugs)
    for cause in causes:
        assert set(cause) == {"slug", "name_fr", "name_en"}
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cause["slug"])
        assert cause["name_fr"] and cause["name_en"]
    names = {c["name_fr"] for c in causes}
    assert {"Numérique inclusif", "Égalité femmes-hommes", "Accès aux droits"} <= names


def test_category_defaults_resolve(by_slug: dict[str, dict[str, Any]]) -> None:
    data = _load("category_defaults.json")
    assert [lvl["value"] for lvl in data["levels"]] == [1, 2, 3, 4]
    assert [w["value"] for w in data["weights"]] == [1, 2, 3]
    needs = data["need_categories"]
    assert {n["code"] for n in needs} == NEED_CATEGORIES
    for need in needs:
        assert need["name_fr"] and need["name_en"]
        assert 3 <= len(need["skills"]) <= 6, need["code"]
        slugs = [item["slug"] for item in need["skills"]]
        assert len(set(slugs)) == len(slugs)
        for item in need["skills"]:
            assert item["slug"] in by_slug, (need["code"], item)
            assert item["level"] in (1, 2, 3, 4)
            assert item["weight"] in (1, 2, 3)
        assert any(item["weight"] == 3 for item in need["skills"]), need["code"]


# --------------------------------------------------------------------------- builder


@needs_shared
def test_committed_json_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "matching.taxonomy_build", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@needs_shared
def test_build_matches_committed_files() -> None:
    rendered = taxonomy_build.build(SHARED)
    for name, text in rendered.items():
        assert (DATA_DIR / name).read_text(encoding="utf-8") == text, name


def test_missing_reference_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert taxonomy_build.main(["--shared", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "reference data not found" in err


def test_related_validation_rejects_bad_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        taxonomy_build.curation,
        "RELATED",
        [
            ("postgresql", "mysql", 0.6),
            ("mysql", "postgresql", 0.5),
            ("sql", "nope", 0.5),
            ("sql", "sql", 0.5),
            ("sql", "sqlite", 1.0),
        ],
    )
    errors: list[str] = []
    taxonomy_build.build_related({"postgresql", "mysql", "sql", "sqlite"}, errors)
    assert len(errors) == 4


# --------------------------------------------------------------------------- search


def test_normalise() -> None:
    assert normalise("  Base de Données — relationnelle ") == "base de donnees relationnelle"
    assert normalise("Accessibilité numérique (RGAA)") == "accessibilite numerique rgaa"
    assert normalise("C#") == "c sharp"
    assert normalise("Node.js") == "node js"
    assert normalise("Œuvre") == "oeuvre"


def test_search_text(by_slug: dict[str, dict[str, Any]]) -> None:
    text = search_text(by_slug["relational-databases"])
    assert "base de donnees relationnelle" in text
    assert "relational databases" in text
    assert " | bdd | " in text
    assert all(part == normalise(part) for part in text.split(" | "))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("bdd", "relational-databases"),
        ("base de données", "relational-databases"),
        ("Bases de données", "relational-databases"),
        ("database", "relational-databases"),
        ("postgres", "postgresql"),
        ("JS", "javascript"),
        ("rgpd", "gdpr"),
        ("GDPR", "gdpr"),
        ("wordpress", "wordpress"),
        ("tableau de bord", "dashboards"),
        ("CMS", "cms"),
        ("SEO", "seo"),
        ("excel", "spreadsheets"),
        ("c#", "csharp"),
        ("appli mobile", "mobile-development"),
        ("adhérents", "membership-management"),
        ("numerique inclusif", "digital-mediation"),
        ("mot de passe", "password-management"),
    ],
)
def test_search_first_result(skills: list[dict[str, Any]], query: str, first: str) -> None:
    assert match_skills(query, skills)[0] == first


def test_search_finds_all_database_skills(skills: list[dict[str, Any]]) -> None:
    found = set(match_skills("base de données", skills))
    assert {"relational-databases", "database-design", "database-administration"} <= found
    assert {"relational-databases", "database-design"} <= set(match_skills("bdd", skills))


def test_search_misc(skills: list[dict[str, Any]]) -> None:
    assert match_skills("", skills) == []
    assert match_skills("   ", skills) == []
    assert match_skills("zzzz-no-such-skill", skills) == []
    assert len(match_skills("a", skills, limit=3)) == 3
    java = match_skills("java", skills)
    assert java.index("java") < java.index("javascript")


def test_load_skills_reads_the_committed_file(skills: list[dict[str, Any]]) -> None:
    assert load_skills() == skills
