"""The roster parser, without a database: encodings, separators, headers, every bad input."""

import pytest

from students.csv_import import MAX_BYTES, MAX_ROWS, normalise_header, parse_roster

FRENCH = (
    "courriel;prénom;nom;groupe\nlea.martin@isen.fr;Léa;Martin;TD1\nhugo@isen.fr;Hugo;Bernard;\n"
)


def test_utf8_with_semicolons_and_french_headers() -> None:
    parsed = parse_roster(FRENCH.encode("utf-8"))
    assert parsed.ok, parsed.problems
    assert parsed.delimiter == ";"
    assert [(r.email, r.first_name, r.last_name, r.group) for r in parsed.rows] == [
        ("lea.martin@isen.fr", "Léa", "Martin", "TD1"),
        ("hugo@isen.fr", "Hugo", "Bernard", ""),
    ]
    assert [r.line for r in parsed.rows] == [2, 3]


def test_utf8_bom_is_removed_from_the_first_header() -> None:
    parsed = parse_roster(b"\xef\xbb\xbf" + FRENCH.encode("utf-8"))
    assert parsed.ok and parsed.encoding == "utf-8-sig"
    assert parsed.rows[0].first_name == "Léa"


def test_windows_1252_as_excel_saves_it() -> None:
    parsed = parse_roster(FRENCH.replace("\n", "\r\n").encode("cp1252"))
    assert parsed.ok and parsed.encoding == "cp1252"
    assert parsed.rows[0].first_name == "Léa"


def test_utf16_tab_separated_as_excel_saves_unicode_text() -> None:
    text = FRENCH.replace(";", "\t").replace("\n", "\r\n")
    parsed = parse_roster(text.encode("utf-16"))  # with its BOM, as Excel writes it
    assert parsed.ok and parsed.encoding == "utf-16" and parsed.delimiter == "\t"
    assert [row.first_name for row in parsed.rows] == ["Léa", "Hugo"]


def test_commas_english_headers_any_order_and_extra_columns() -> None:
    text = (
        "Last Name,First name,Student ID,E-mail,Group\n"
        '"Dupont, Jr",Éloïse,123,ELOISE@Example.FR,"A"\n'
    )
    parsed = parse_roster(text.encode("utf-8"))
    assert parsed.ok, parsed.problems
    row = parsed.rows[0]
    assert (row.email, row.first_name, row.last_name, row.group) == (
        "eloise@example.fr",
        "Éloïse",
        "Dupont, Jr",
        "A",
    )


@pytest.mark.parametrize(
    ("header", "field"),
    [("Adresse e-mail", "e mail"), ("PRÉNOM", "prenom"), ("Nom de famille", "nom de famille")],
)
def test_headers_are_normalised(header: str, field: str) -> None:
    if field == "e mail":
        assert normalise_header(header) == "adresse e mail"
    else:
        assert normalise_header(header) == field


def test_missing_column_is_named_in_french() -> None:
    parsed = parse_roster(b"courriel;nom\na@b.fr;Martin\n")
    assert not parsed.ok
    assert len(parsed.problems) == 1
    assert "Colonne manquante" in parsed.problems[0].message
    assert "prénom" in parsed.problems[0].message


def test_every_row_problem_is_reported_with_its_line() -> None:
    text = (
        "email;first name;last name\n"
        "pas-une-adresse;Léa;Martin\n"
        "hugo@isen.fr;Hugo;Bernard\n"
        ";Sans;Adresse\n"
        "HUGO@isen.fr;Hugo;Doublon\n"
        "ines@isen.fr;;Roux\n"
        "\n"
        "ok@isen.fr;Ok;Ok\n"
    )
    parsed = parse_roster(text.encode())
    assert not parsed.ok
    problems = {(p.line, p.message) for p in parsed.problems}
    assert (2, "«\u00a0pas-une-adresse\u00a0» n'est pas une adresse e-mail valide.") in problems
    assert (4, "L'adresse e-mail est vide.") in problems
    assert (5, "L'adresse HUGO@isen.fr figure déjà ligne 3.") in problems
    assert (6, "Le prénom est vide.") in problems
    assert [r.email for r in parsed.rows] == ["hugo@isen.fr", "ok@isen.fr"]


def test_too_big_file_is_refused_before_parsing() -> None:
    line = b"etudiant.numero.123456@ecole-exemple.fr;Prenom;Nom;Groupe\n"
    data = b"email;first name;last name;group\n" + line * 100_000
    assert len(data) > MAX_BYTES
    parsed = parse_roster(data)
    assert not parsed.ok and parsed.problems[0].line is None
    assert "1 Mo" in parsed.problems[0].message


def test_too_many_rows_are_refused_even_in_a_small_file() -> None:
    rows = "".join(f"e{i}@x.fr;A;B\n" for i in range(MAX_ROWS + 1))
    data = ("email;prénom;nom\n" + rows).encode()
    assert len(data) < MAX_BYTES
    parsed = parse_roster(data)
    assert not parsed.ok and "plus de 2\u202f000" in parsed.problems[0].message
    exactly = "email;prénom;nom\n" + "".join(f"e{i}@x.fr;A;B\n" for i in range(MAX_ROWS))
    assert len(parse_roster(exactly.encode()).rows) == MAX_ROWS


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # an image renamed .csv
        b"PK\x03\x04\x14\x00\x06\x00",  # a .xlsx (zip) renamed .csv
        bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 10,  # undecodable in UTF-8 and Windows-1252
        b"email;first\x07name;last name\n",  # control characters
        b"\xff\xfe" + b"\x00\x00" * 20,  # a UTF-16 mark in front of binary data
    ],
)
def test_binary_files_are_refused(data: bytes) -> None:
    parsed = parse_roster(data)
    assert not parsed.ok
    assert "n'est pas un fichier CSV" in parsed.problems[0].message


@pytest.mark.parametrize("data", [b"", b"   \n\n", "courriel;prénom;nom\n".encode()])
def test_empty_files(data: bytes) -> None:
    parsed = parse_roster(data)
    assert not parsed.ok and parsed.problems


def test_unbalanced_quotes_do_not_crash() -> None:
    data = ('email;prénom;nom\n"a@b.fr;A;B\n' + "x" * 200_000).encode()
    parsed = parse_roster(data)
    assert not parsed.ok
