"""``paxta match``, ``screen``, ``review``, ``rescreen`` and ``aliases`` as a user runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from paxta.cli import cli
from paxta.lists.shipped import ensure_lists
from paxta.screen.batch import OUTPUT_COLUMNS
from paxta.store import Backend

SUPPLIERS = [
    ("S1", "新疆中泰化学股份有限公司"),
    ("S2", "合盛硅业(泸州)有限公司"),
    ("S3", "Guangdong Baiyi Textile Technology Co. Ltd"),
    ("S4", "HOSHINE SILICON IND (SHANSHAN) CO"),
    ("S5", ""),
    ("S6", "12345"),
    ("S7", "<script>alert(1)</script> Trading Co"),
    ("S8", "x" * 10_000),
    ("S9", "Xinjiang\x00 Zhongtai\x07 Chemical Co. Ltd."),
]


def _write_csv(path: Path, header: str, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", header])
        for row in SUPPLIERS:
            w.writerow([row[0], row[1].replace("\x00", "")])
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_match_json_shape_and_best_first(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["match", "新疆中泰化学股份有限公司", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "新疆中泰化学股份有限公司"
    top = data["matches"][0]
    assert set(top) >= {
        "entity_id",
        "list",
        "name",
        "matched_name",
        "score",
        "decision",
        "explanation",
    }
    assert top["decision"] == "match"
    assert "Zhongtai" in top["name"]
    scores = [(m["decision"] == "match", m["score"]) for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_match_sister_subsidiary_is_review_with_relation(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["match", "合盛硅业(泸州)有限公司", "--json"])
    matches = json.loads(result.output)["matches"]
    assert matches and all(m["decision"] != "match" for m in matches)
    assert any("same group, different subsidiary" in m["explanation"].lower() for m in matches)


def test_match_with_address_locates_it(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["match", "Xinjiang Zhongtai Chemical", "--address", "新疆乌鲁木齐市", "--json"]
    )
    assert json.loads(result.output)["address"]["xinjiang"] is True


@pytest.mark.parametrize(
    ("encoding", "header"),
    [("utf-8-sig", "供应商名称"), ("gb18030", "企业名称"), ("big5", "供應商")],
)
def test_screen_csv_in_any_encoding_finds_the_name_column(
    runner: CliRunner, tmp_path: Path, encoding: str, header: str
) -> None:
    if encoding == "big5":
        source = tmp_path / "in.csv"
        with source.open("w", encoding="big5", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "公司名稱"])
            w.writerow(["T1", "新疆中泰化學股份有限公司"])
    else:
        source = _write_csv(tmp_path / "in.csv", header, encoding)
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["screen", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert rows[0]["paxta_decision"] == "match"
    assert rows[0]["paxta_list"]
    for column in OUTPUT_COLUMNS:
        assert column in rows[0]


def test_screen_keeps_every_row_and_survives_bad_cells(runner: CliRunner, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "suppliers.csv", "supplier")
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["screen", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in _rows(out)}
    assert list(rows) == [s[0] for s in SUPPLIERS]
    assert rows["S1"]["paxta_decision"] == "match"
    assert rows["S2"]["paxta_decision"] == "review"
    assert rows["S3"]["paxta_decision"] == "clear"
    assert rows["S4"]["paxta_decision"] == "match"
    assert rows["S5"]["paxta_decision"] == rows["S6"]["paxta_decision"] == "clear"
    assert rows["S9"]["paxta_decision"] == "match"  # control characters are not a name


def test_screen_writes_json_xlsx_and_escaped_html(runner: CliRunner, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "suppliers.csv", "company")
    for suffix in (".json", ".jsonl", ".xlsx", ".html"):
        out = tmp_path / f"out{suffix}"
        result = runner.invoke(cli, ["screen", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(data) == len(SUPPLIERS) and data[0]["paxta_decision"] == "match"
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(SUPPLIERS)
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "paxta_decision" in header and sheet.max_row == len(SUPPLIERS) + 1
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_screen_xlsx_and_jsonl_input(runner: CliRunner, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Shipper", "Country"])
    sheet.append(["XINJIANG ZHONGTAI CHEM IND CO LTD", "China"])
    book.save(tmp_path / "in.xlsx")
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"shipper": "合盛硅業（鄯善）有限公司"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    for name in ("in.xlsx", "in.jsonl"):
        out = tmp_path / f"{name}.csv"
        result = runner.invoke(cli, ["screen", str(tmp_path / name), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert _rows(out)[0]["paxta_decision"] == "match"


def test_a_json_lines_field_the_first_line_lacks_is_one_sentence(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"name": "Acme Ltd"}\n{"name": "Beta Ltd", "city": "Urumqi"}\n', "utf-8")
    result = runner.invoke(cli, ["screen", str(source), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and result.exception is not None
    assert "in.jsonl, line 2: a field the first line does not have: 'city'" in result.output
    assert not list(tmp_path.glob("out.csv*"))  # nothing half written


def test_wrong_or_missing_name_column_is_one_sentence(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("code,qty\nA,1\n", encoding="utf-8")
    result = runner.invoke(cli, ["screen", str(source)])
    assert result.exit_code == 1
    assert "in.csv" in result.output and "--name-column" in result.output
    result = runner.invoke(cli, ["screen", str(source), "--name-column", "Name"])
    assert result.exit_code == 1 and "no name column 'Name'" in result.output
    missing = runner.invoke(cli, ["screen", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_review_decisions_apply_until_the_entry_changes(runner: CliRunner, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "suppliers.csv", "supplier")
    screened = runner.invoke(cli, ["screen", str(source), "-o", str(tmp_path / "out.csv")])
    assert screened.exit_code == 0, screened.output
    listed = runner.invoke(cli, ["review", "--json"])
    rows = json.loads(listed.output)
    sister = next(r for r in rows if r["query"].startswith("合盛硅业(泸州)"))
    marked = runner.invoke(
        cli,
        ["review", "--mark", str(sister["row_no"]), "false", "--note", "Luzhou plant, not listed"],
    )
    assert marked.exit_code == 0, marked.output
    again = json.loads(runner.invoke(cli, ["match", "合盛硅业(泸州)有限公司", "--json"]).output)
    decided = [m for m in again["matches"] if m["entity_id"] == sister["entity_id"]]
    assert decided == [] or decided[0]["decision"] == "clear"
    undone = runner.invoke(cli, ["review", "--undo", str(sister["row_no"])])
    assert undone.exit_code == 0 and "withdrawn" in undone.output, undone.output
    back = json.loads(runner.invoke(cli, ["match", "合盛硅业(泸州)有限公司", "--json"]).output)
    restored = [m for m in back["matches"] if m["entity_id"] == sister["entity_id"]]
    assert restored[0]["decision"] == sister["decision"]  # as screened, before the decision
    twice = runner.invoke(cli, ["review", "--undo", str(sister["row_no"])])
    assert twice.exit_code != 0 and "no decision" in twice.output


def test_undoing_a_confirmation_forgets_the_alias_it_taught(
    runner: CliRunner, store: Backend
) -> None:
    from paxta.screen.review import record_decision, withdraw_decision

    ensure_lists(store)
    query, entity = "潍坊爱丽丝食品有限公司", "uflpa-xinjiang-zhongtai-chemical"
    learned = record_decision(store, query, entity, True, "test", "alice")
    count = store.scalar("SELECT count(*) FROM aliases")
    assert learned and count == 1
    withdraw_decision(store, query, entity, "alice")
    assert store.scalar("SELECT count(*) FROM aliases") == 0
    rows = store.sql("SELECT verdict, withdrawn, analyst FROM decisions ORDER BY decided_at")
    assert rows == [(True, False, "alice"), (True, True, "alice")]  # both kept on record


def test_the_entity_page_lists_only_confirmations_that_stand(store: Backend) -> None:
    from paxta.profile import _confirmed
    from paxta.screen.review import record_decision, withdraw_decision

    ensure_lists(store)
    entity = "uflpa-xinjiang-zhongtai-chemical"
    record_decision(store, "新疆中泰化学有限公司", entity, True)
    record_decision(store, "中泰化学", entity, True)
    assert _confirmed(store, entity) == {"新疆中泰化学有限公司", "中泰化学"}
    withdraw_decision(store, "中泰化学", entity)
    record_decision(store, "新疆中泰化学有限公司", entity, False)  # overruled later
    assert _confirmed(store, entity) == set()


def _letters(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def test_chinese_names_of_listed_companies(runner: CliRunner) -> None:
    """Industry words inside the name, word-by-word translation, a parent among its mines."""
    expected = {
        "新疆东方希望有色金属有限公司": "Xinjiang East Hope Nonferrous Metals Co., Ltd.",
        "珠海艾派克微电子有限公司": "Zhuhai Apex Microelectronics Co., Ltd.",
        "西部黄金股份有限公司": "Western Gold Co., Ltd.",
        "西部黄金哈密金矿有限责任公司": "Western Gold Hami Gold Mine Co., Ltd.",
        "滨州中纺银泰实业有限公司": "Binzhou Chinatex Yintai Industrial Co., Ltd.",
    }
    for query, name in expected.items():
        found = json.loads(runner.invoke(cli, ["match", query, "--json"]).output)["matches"]
        assert _letters(found[0]["name"]) == _letters(name), (query, found[:2])
        assert found[0]["decision"] == "match", (query, found[:2])
    mines = json.loads(runner.invoke(cli, ["match", "西部黄金", "--json"]).output)["matches"]
    assert mines[0]["name"] == "Western Gold Co., Ltd." and mines[0]["decision"] == "match"
    assert all(m["decision"] != "match" for m in mines if "Gold Mine" in m["name"])


def test_an_added_alias_finds_the_coined_english_name(runner: CliRunner) -> None:
    query = "潍坊爱丽丝食品有限公司"  # 爱丽丝 is written Alice in English, not Ailisi
    before = json.loads(runner.invoke(cli, ["match", query, "--json"]).output)
    assert all(m["decision"] != "match" for m in before["matches"])
    added = runner.invoke(cli, ["aliases", "add", "爱丽丝", "Alice"])
    assert added.exit_code == 0, added.output
    after = json.loads(runner.invoke(cli, ["match", query, "--json"]).output)
    assert after["matches"][0]["decision"] == "match"
    assert (
        "Alice" in after["matches"][0]["name"]
        and "alias table" in after["matches"][0]["explanation"]
    )
    listed = json.loads(runner.invoke(cli, ["aliases", "list", "--json"]).output)
    assert {"han": "爱丽丝", "latin": "Alice", "source": "user"} in listed
    bad = runner.invoke(cli, ["aliases", "add", "Hoshine", "合盛"])
    assert bad.exit_code == 1 and "not a Chinese trade name" in bad.output


def test_rescreen_shows_only_what_changed(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "suppliers.csv"
    source.write_text(
        'supplier\n"Lanzhou Qilian Cotton Co., Ltd."\n新疆中泰化学股份有限公司\n', encoding="utf-8"
    )
    screened = runner.invoke(cli, ["screen", str(source), "-o", str(tmp_path / "out.csv")])
    assert screened.exit_code == 0, screened.output
    same = runner.invoke(cli, ["rescreen", "--json"])
    assert same.exit_code == 0, same.output
    assert json.loads(same.output)["changes"] == []
    watch = tmp_path / "watch.csv"
    watch.write_text("name,country\nLanzhou Qilian Cotton Co. Ltd.,China\n", encoding="utf-8")
    imported = runner.invoke(
        cli,
        [
            "lists",
            "import",
            str(watch),
            "--format",
            "csv",
            "--source",
            "watch",
            "--version",
            "2026-11-01",
        ],
    )
    assert imported.exit_code == 0, imported.output
    changed = json.loads(runner.invoke(cli, ["rescreen", "--json"]).output)
    assert [(c["query"], c["before"], c["after"]) for c in changed["changes"]] == [
        ("Lanzhou Qilian Cotton Co., Ltd.", "clear", "match")
    ]


def test_a_broken_row_never_overwrites_earlier_results(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("earlier results\n", encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text('supplier\n"Acme Co, Ltd"\n"never closed\n', encoding="utf-8")
    result = runner.invoke(cli, ["screen", str(broken), "-o", str(out)])
    assert result.exit_code == 1 and "broken.csv, line 3" in result.output
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    assert not (tmp_path / "out.csv.partial").exists()  # nothing finished, nothing left
    listed = json.loads(runner.invoke(cli, ["screenings", "--json"]).output)
    assert listed == []


def test_a_long_run_keeps_what_it_finished(runner: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    rows = "".join(f"Supplier Number {i} Trading Co\n" for i in range(2600))
    big.write_text("supplier\n" + rows + '"never closed\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["screen", str(big), "-o", str(out)])
    assert result.exit_code == 1 and "kept in" in result.output
    kept = _rows(tmp_path / "out.csv.partial")
    assert kept and kept[0]["supplier"] == "Supplier Number 0 Trading Co"
    assert not out.exists()


def test_a_bad_row_keeps_every_row_read_before_it(runner: CliRunner, tmp_path: Path) -> None:
    """Screened in parallel, a file whose row 2,601 is broken keeps all 2,600 rows before it,
    in order: those read into a chunk not yet full, and repeats answered from memory."""
    names = [f"Supplier Number {i % 900} Trading Co" for i in range(2600)]
    big = tmp_path / "big.csv"
    big.write_text("supplier\n" + "".join(n + "\n" for n in names) + '"never closed\n', "utf-8")
    result = runner.invoke(cli, ["screen", str(big), "-o", str(tmp_path / "out.csv")])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "data). The 2,600 rows screened before it are kept" in said
    assert [r["supplier"] for r in _rows(tmp_path / "out.csv.partial")] == names


def test_any_text_is_matched_without_a_crash(home: Path) -> None:
    """Arbitrary names (cut-looking, control characters, mixed scripts, very long) against the
    shipped lists: results are well formed, never an exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from paxta.lists.shipped import ensure_lists
    from paxta.screen.matcher import Matcher
    from paxta.store import session

    with session() as store:
        ensure_lists(store)
        matcher = Matcher.from_store(store)
    pieces = st.sampled_from(
        ["XINJIANG ", "ZHONGTAI ", "CHEM ", "CO LTD", "新疆", "中泰", "\x00", "\u200b", "(", "I/E ",
         "PRODUCTION AND CONSTRUCTIO", "9" * 40, "Ürümqi ", "ب", " "]
    )  # fmt: skip

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join) | st.text(max_size=60))
    def check(name: str) -> None:
        for m in matcher.match(name):
            assert m.decision in ("match", "review") and 0.0 <= m.score <= 1.0
            assert m.explanation

    check()


def test_the_querys_address_tells_which_listed_company(runner: CliRunner, tmp_path: Path) -> None:
    """华孚纺织 is one of several listed Huafu textile companies; its address says which."""

    def best(*extra: str) -> dict[str, str]:
        out = runner.invoke(cli, ["match", "华孚纺织有限公司", "--json", *extra]).output
        return dict(json.loads(out)["matches"][0])

    assert best()["decision"] == "review"
    awati = best("--address", "新疆阿克苏地区阿瓦提县")
    assert awati["decision"] == "match" and awati["name"].startswith("Awati Huafu Textile")
    assert "the query's address" in awati["explanation"]
    assert best("--address", "Shanghai, China")["decision"] == "review"
    src = tmp_path / "suppliers.csv"
    src.write_text(
        "supplier,addr\n华孚纺织有限公司,Awati County, Aksu Prefecture\n".replace(
            "Awati County, Aksu Prefecture", '"Awati County, Aksu Prefecture"'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    done = runner.invoke(cli, ["screen", str(src), "-o", str(out), "--address-column", "addr"])
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert row["paxta_decision"] == "match" and row["paxta_listed_name"].startswith("Awati")


def test_a_listed_persons_name_is_explained_as_a_name(runner: CliRunner) -> None:
    found = json.loads(runner.invoke(cli, ["match", "陈全国", "--json"]).output)["matches"][0]
    assert found["name"] == "CHEN, Quanguo" and found["decision"] == "match"
    assert "(name, across scripts, pinyin)" in found["explanation"]
    assert "trade name" not in found["explanation"]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Quanguo Chen", "CHEN, Quanguo"),
        ("Ayman al-Zawahiri", "AL ZAWAHIRI, Dr. Ayman"),
        ("Mr. Quanguo Chen", "CHEN, Quanguo"),
    ],
)
def test_a_persons_name_with_the_family_name_last(
    runner: CliRunner, query: str, listed: str
) -> None:
    found = json.loads(runner.invoke(cli, ["match", query, "--json"]).output)["matches"][0]
    assert found["name"] == listed and found["decision"] == "match", found
    assert found["explanation"].startswith("the family name written last")


@pytest.mark.parametrize(
    "name", ["Golden Star Trading Co., Ltd.", "CHEN, Quanguo", "陈全国", "Kashgar Cotton", "A"]
)
def test_only_a_bare_latin_name_is_read_with_the_family_name_last(name: str) -> None:
    from paxta.names.features import name_features
    from paxta.screen.matcher import family_first

    assert family_first(name_features(name)) == []
    assert [f.trade for f in family_first(name_features("Quanguo Chen"))] == ["Chen Quanguo"]
    turned = [f.trade for f in family_first(name_features("Walter Alexander Del Nogal Marquez"))]
    assert "Nogal Marquez Walter Alexander" in turned  # a family name of several words


def test_each_company_a_list_entry_names_is_found_by_its_own_name(runner: CliRunner) -> None:
    """CBP lists Shanghai Select Safety Products "and its two subsidiaries from China, Select
    (Nantong) Safety Products Co. Limited and Select Protective Technology (HK) Limited"."""
    for query, part in [
        ("赛立特(南通)安全用品有限公司", "Select (Nantong) Safety Products Co. Limited"),
        ("SELECT PROTECTIVE TECHNOLOGY (HK) LTD", "Select Protective Technology (HK) Limited"),
    ]:
        found = json.loads(runner.invoke(cli, ["match", query, "--json"]).output)["matches"][0]
        assert found["decision"] == "match" and found["matched_name"] == part, found
        assert found["name"].startswith("Shanghai Select Safety Products")


def test_output_that_would_overwrite_the_input_or_has_no_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "suppliers.csv"
    source.write_text("name\nXinjiang Zhongtai Chemical\n", encoding="utf-8")
    same = runner.invoke(cli, ["screen", str(source), "-o", str(source)])
    assert same.exit_code == 1 and "is the input file" in same.output
    assert source.read_text(encoding="utf-8") == "name\nXinjiang Zhongtai Chemical\n"
    nowhere = runner.invoke(cli, ["screen", str(source), "-o", str(tmp_path / "no" / "out.csv")])
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output
    assert "Traceback" not in nowhere.output
    located = runner.invoke(cli, ["locate", str(source), "--column", "name", "-o", str(source)])
    assert located.exit_code == 1 and "is the input file" in located.output
