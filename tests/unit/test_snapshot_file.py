"""Snapshot files: the format round-trips, writes are atomic, and a hostile file is refused
with a sentence — never another exception, never a file written outside the temp area."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.snapshot import (
    INDEX_MEMBER,
    META_MEMBER,
    TEXT_READ,
    SnapshotAttachment,
    SnapshotFilter,
    orders_member,
    redact_source,
)
from app.domain.snapshot_format import FORMAT_NAME
from app.store import snapshot_file
from app.store.snapshot_file import (
    SnapshotCancelledError,
    SnapshotError,
    load_snapshot,
    open_snapshot,
    write_snapshot,
)
from tests.snapshot_samples import meta, record, records, write_sample

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.adsnap"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rezip(path: Path, contents: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    return path


# -- the format --------------------------------------------------------------------------------


def test_round_trip_keeps_every_detail(tmp_path: Path) -> None:
    written = records(5)
    path = write_sample(tmp_path / "s.adsnap", written)
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    assert len(snapshot) == 5
    assert snapshot.meta.format == FORMAT_NAME
    assert snapshot.meta.version == 1
    # Newest first, as the table shows them.
    assert list(snapshot.records()) == written[::-1]
    assert snapshot.index.id == [f"order-00{i}" for i in (4, 3, 2, 1, 0)]
    assert snapshot.index.candidate[4] == "Zoë Müller0"
    assert snapshot.row_of("order-003") == 1
    names = set(members(path))
    assert {META_MEMBER, INDEX_MEMBER, orders_member(0)} <= names


def test_orders_are_split_into_chunks_read_on_demand(tmp_path: Path) -> None:
    path = tmp_path / "chunks.adsnap"
    write_snapshot(path, meta(7, orders_per_chunk=3), records(7))
    assert {orders_member(i) for i in range(3)} <= set(members(path))
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")
    assert snapshot.record(6).order.id == "order-000"  # the oldest, in the last chunk
    assert snapshot.record(0).order.id == "order-006"
    snapshot.validate_all()


def test_the_committed_sample_opens() -> None:
    # tests/packaging/test_linux_bundle.py starts the bundle with the first *.adsnap under tests/
    assert sorted(SAMPLE.parent.parent.rglob("*.adsnap")) == [SAMPLE]
    load_snapshot(SAMPLE).validate_all()


def test_an_interrupted_save_leaves_the_previous_file(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "s.adsnap")
    before = path.read_bytes()
    with pytest.raises(SnapshotCancelledError):
        write_snapshot(path, meta(3), records(3), cancelled=lambda: True)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.adsnap"]  # no temporary file left


def test_attachments_are_extracted_into_the_temp_area_only(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    member = snapshot_file.attachment_member("order/../x", 1, "../../evil report.pdf")
    assert ".." not in member.split("/")
    item = record(0)
    item.attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=15))
    path = write_sample(tmp_path / "s.adsnap", [item], {member: report})
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    copy = snapshot.extract_attachment(item.attachments[0])
    assert copy.read_bytes() == b"%PDF-1.4 report"
    assert (tmp_path / "tmp") in copy.parents


def _with_attachment(
    tmp_path: Path, file_name: str, listed_as: str, size: int = 40
) -> tuple[Path, SnapshotAttachment]:
    report = tmp_path / "payload"
    report.write_bytes(b"[Desktop Entry]\nExec=sh -c 'echo owned'\n")
    member = snapshot_file.attachment_member("o-1", 1, file_name)
    item = record(0)
    attachment = SnapshotAttachment(file_name=listed_as, member=member, size=size)
    item.attachments.append(attachment)
    return write_sample(tmp_path / "s.adsnap", [item], {member: report}), attachment


def test_an_attachment_that_is_not_a_report_is_never_extracted(tmp_path: Path) -> None:
    # Its copy, handed to the system to open, would be run, not read.
    path, attachment = _with_attachment(tmp_path, "report.pdf.desktop", "report.pdf.desktop")
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    with pytest.raises(SnapshotError, match=r"report\.pdf\.desktop is not a report file"):
        snapshot.extract_attachment(attachment)
    assert not list((tmp_path / "tmp").glob("*/*"))


@pytest.mark.parametrize(
    ("kept_as", "listed_as", "size"),
    [("report.pdf.desktop", "report.pdf", 40), ("page.html", "report.pdf", 40),
     ("report.pdf", "report.pdf", 8)],
    ids=["another-type", "a-web-page", "another-size"],
)  # fmt: skip
def test_an_order_whose_file_is_not_the_file_it_lists_is_damaged(
    tmp_path: Path, kept_as: str, listed_as: str, size: int
) -> None:
    """The list showed the record's name and size, Open copied the entry it points at,
    named and typed as the entry: "report.pdf (8 bytes)" opened a 40-byte launcher, or a web
    page in the browser."""
    path, _attachment = _with_attachment(tmp_path, kept_as, listed_as, size)
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")  # the list still opens
    with pytest.raises(SnapshotError, match="Order order-000 in the snapshot is damaged"):
        snapshot.record(0)


def test_a_copy_is_named_as_the_list_shows_it(tmp_path: Path) -> None:
    """The copy was named after the archive entry ("1_report.txt"), not the name listed."""
    path, _attachment = _with_attachment(tmp_path, "report.txt", "Assessment report.TXT")
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    (kept,) = snapshot.record(0).attachments
    assert snapshot.extract_attachment(kept).name == "Assessment_report.TXT"


def test_an_attachment_opened_twice_is_the_same_copy(tmp_path: Path) -> None:
    # The second Open failed ("damaged or truncated") and removed the first copy, which the
    # viewer still had open.
    path, attachment = _with_attachment(tmp_path, "report.txt", "report.txt")
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    first = snapshot.extract_attachment(attachment)
    assert snapshot.extract_attachment(attachment) == first
    assert first.read_bytes().startswith(b"[Desktop Entry]")


def test_two_orders_reports_of_one_name_open_as_their_own(tmp_path: Path) -> None:
    # Both "1_report.pdf": the second order's report opened as the first's copy (another
    # candidate's), or, of another size, as "damaged" with the first copy deleted.
    items, files = [record(0), record(1)], {}
    for i, item in enumerate(items):
        member = snapshot_file.attachment_member(item.order.id, 1, "report.pdf")
        source = tmp_path / f"report-{i}.pdf"
        source.write_bytes(b"%PDF of candidate " + str(i).encode() * (i + 1))
        item.attachments.append(
            SnapshotAttachment(file_name="report.pdf", member=member, size=source.stat().st_size)
        )
        files[member] = source
    path = write_sample(tmp_path / "s.adsnap", items, files)
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    first, second = (snapshot.extract_attachment(a.attachments[0]) for a in items)
    assert first.read_bytes() == b"%PDF of candidate 0"
    assert second.read_bytes() == b"%PDF of candidate 11"
    assert first.name == second.name == "report.pdf"


@pytest.mark.parametrize(
    ("first", "second"),
    [("order/1", "order_1"), ("o" * 80 + "-a", "o" * 80 + "-b")],
    ids=["cleaned-alike", "same-first-80"],
)
def test_orders_whose_ids_clean_or_cut_alike_keep_their_reports_apart(
    tmp_path: Path, first: str, second: str
) -> None:
    """Cleaned of unsafe characters and cut to 80, two ids named one folder: the second
    order's "1_report.pdf" was written over the first's, and the first order's record opened
    the other candidate's report."""
    items = [record(0, id=first), record(1, id=second)]
    files = {}
    for i, item in enumerate(items):
        member = snapshot_file.attachment_member(item.order.id, 1, "report.pdf")
        source = tmp_path / f"report-{i}.pdf"
        source.write_bytes(b"%PDF of candidate " + str(i).encode())
        item.attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=19))
        files[member] = source
    assert len(files) == 2
    path = write_sample(tmp_path / "s.adsnap", items, files)
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    for i, item in enumerate(items):
        row = snapshot.row_of(item.order.id)
        assert row is not None
        (kept,) = snapshot.record(row).attachments
        assert snapshot.extract_attachment(kept).read_bytes().endswith(str(i).encode())


def test_a_report_kept_under_an_older_files_name_still_opens(tmp_path: Path) -> None:
    """Files written before the order's folder had its hash name their members as they
    were: the reader takes the name the record gives, never works it out again."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    member = "attachments/order-000/1_report.pdf"  # as attachment_member named it then
    item = record(0)
    item.attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=15))
    path = write_sample(tmp_path / "s.adsnap", [item], {member: report})
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")
    copy = snapshot.extract_attachment(snapshot.record(0).attachments[0])
    assert copy.read_bytes() == b"%PDF-1.4 report"


def test_a_report_changed_between_its_check_and_its_copy_fails_the_save(tmp_path: Path) -> None:
    """The content kept must be the content checked (the file that was sent): a report
    saved over in between went into the snapshot under this order's name. Nothing is left,
    neither the file nor its temporary one."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 report of Zoe, as sent")
    checked = hashlib.sha256(report.read_bytes()).hexdigest()
    report.write_bytes(b"%PDF-1.4 report of SOMEONE ELSE")  # the same size
    member = snapshot_file.attachment_member("o-1", 1, "report.pdf")
    item = record(0)
    item.attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=31))
    out = tmp_path / "out"
    out.mkdir()
    kept = snapshot_file.KeptFile(report, checked, 31)
    with pytest.raises(SnapshotError, match="changed while the snapshot was saved"):
        write_snapshot(out / "s.adsnap", meta(1), [item], {member: kept})
    assert list(out.iterdir()) == []
    report.write_bytes(b"%PDF-1.4 report of Zoe, as sent")  # as checked: kept
    write_snapshot(out / "s.adsnap", meta(1), [item], {member: kept})
    snapshot = load_snapshot(out / "s.adsnap", temp_root=tmp_path / "tmp")
    assert snapshot.extract_attachment(item.attachments[0]).read_bytes() == report.read_bytes()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_long_report_name_keeps_its_type_in_the_archive() -> None:
    member = snapshot_file.attachment_member("o-1", 1, "Assessment report " * 10 + ".pdf")
    assert member.endswith(".pdf")
    assert len(PurePosixPath(member).name) <= 122


def test_copies_left_by_earlier_windows_are_removed_a_day_on(tmp_path: Path) -> None:
    root = tmp_path / "tmp"
    old, recent = root / "snapshot-old", root / "snapshot-recent"
    for folder in (old, recent):
        folder.mkdir(parents=True)
        (folder / "1_report.pdf").write_bytes(b"%PDF")
        (folder / "1_report.pdf").chmod(0o400)
    day = snapshot_file.OLD_COPIES_SECONDS
    os.utime(old, (time.time() - day - 60, time.time() - day - 60))
    path, attachment = _with_attachment(tmp_path, "report.txt", "report.txt")
    load_snapshot(path, temp_root=root).extract_attachment(attachment)
    assert not old.exists()  # a candidate's report, kept no longer than needed
    assert (recent / "1_report.pdf").exists()  # a viewer may still have it open


def test_what_the_app_saves_it_opens_however_well_it_compresses(tmp_path: Path) -> None:
    # A pasted separator (300 KB of "-") in 40 comments compressed 378 times: saved, then
    # refused on opening as a zip bomb. Such an entry is now stored as it is.
    items = records(40)
    for item in items:
        item.comments[0].message = "-" * 300_000
    said: list[int] = []
    path = tmp_path / "separators.adsnap"
    write_snapshot(path, meta(40), items, progress=lambda done, _total: said.append(done))
    assert said == sorted(said)  # a second pass never reports less done than the first
    snapshot = open_snapshot(path)
    snapshot.validate_all()
    # Read as the window shows it (``with_texts_cut``): its start, cut to a few thousand.
    assert snapshot.record(0).comments[0].message == "-" * (TEXT_READ - 1) + "…"
    with zipfile.ZipFile(path) as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
    assert kinds[orders_member(0)] == zipfile.ZIP_STORED
    assert kinds[META_MEMBER] == zipfile.ZIP_DEFLATED  # the rest compressed as ever


def test_the_view_saved_is_kept_and_only_what_it_uses_is_written(tmp_path: Path) -> None:
    """Before: the inbox's "Needs attention" made the save raise (no status of that name),
    and the Candidates tab's search was not the view saved. Their keys are written only when
    used: a reader of format 1 refuses unknown keys, and an older one reads the rest."""
    views = [
        SnapshotFilter(scope="view", search="nurse", attention=True),
        SnapshotFilter(scope="view", tab="candidates", search="ana"),
    ]
    for number, view in enumerate(views):
        path = write_sample(tmp_path / f"{number}.adsnap", records(2), filter=view)
        assert load_snapshot(path, temp_root=tmp_path / "tmp").meta.filter == view
    assert views[0].describe() == "Orders in view · search “nurse” · needs attention"
    assert views[1].describe() == "Orders in view · Candidates tab · search “ana”"
    path = write_sample(tmp_path / "plain.adsnap", records(2), filter=SnapshotFilter(scope="view"))
    written = json.loads(members(path)[META_MEMBER])["filter"]
    assert written == {"scope": "view", "search": "", "statuses": []}  # as format 1 began


def test_orders_gone_when_saved_are_listed_gone_and_only_then_is_the_column_written(
    tmp_path: Path,
) -> None:
    """Before: that SmartRecruiters no longer had an order was in its note alone, which the
    list (read from the index) never reads: it was listed under its last status. The column
    is written only when an order is gone: a reader of format 1 refuses unknown columns, and
    an older one reads the rest; a file without it (an older one) lists none gone."""
    since = datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    path = tmp_path / "gone.adsnap"
    write_snapshot(path, meta(3), records(3), gone={"order-001": since})
    index = load_snapshot(path, temp_root=tmp_path / "tmp").index
    assert [index.gone_since(row) for row in range(3)] == [None, since, None]  # newest first
    plain = write_sample(tmp_path / "plain.adsnap", records(3))
    assert "gone" not in json.loads(members(plain)[INDEX_MEMBER])  # as format 1 began
    index = load_snapshot(plain, temp_root=tmp_path / "tmp").index
    assert [index.gone_since(row) for row in range(3)] == [None, None, None]


def test_the_source_is_written_without_credentials() -> None:
    text = redact_source("SmartRecruiters https://user:secret@api.example.com/v1?key=abcdef")
    assert "secret" not in text
    assert "abcdef" not in text
    assert redact_source("token " + "k" * 64) == "token [redacted]"


# -- bad files ---------------------------------------------------------------------------------


def valid(tmp_path: Path) -> dict[str, bytes]:
    return members(write_sample(tmp_path / "valid.adsnap", records(3)))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m.pop(META_MEMBER), "not an Assessment Desk snapshot"),
        (lambda m: m.update({META_MEMBER: b"{nope"}), "not valid JSON"),
        (lambda m: _meta(m, format="something-else"), "wrong format name"),
        (lambda m: _meta(m, version=2), "newer Assessment Desk (format version 2)"),
        (lambda m: _meta(m, version="1"), "unknown format version"),
        (lambda m: _meta(m, order_count="three"), "description is invalid"),
        # Compared with another snapshot it raised TypeError; shown east of UTC, OverflowError.
        (lambda m: _meta(m, created_at="2025-03-02T10:00:00"), "description is invalid"),
        (lambda m: _meta(m, created_at="9999-12-31T23:59:59Z"), "saved between 2000 and 9000"),
        (lambda m: _index(m, status=["NEW", "BOGUS", "NEW"]), "index is invalid"),
        (lambda m: _index(m, id=["a", "a", "b"]), "order a more than once"),
        (lambda m: _index(m, job=["x"]), "index is invalid"),
        # Opened, then the Age column's paint raised TypeError (naive - aware): a crash.
        (lambda m: _first_created(m, "2025-03-01"), "'2025-03-01' is not a time with its offset"),
        (lambda m: _first_created(m, "2025-03-01T10:00:00"), "not a time with its offset"),
        (lambda m: _first_created(m, "yesterday"), "not a time with its offset"),
        (lambda m: _index(m, gone=["", "2025-03-05", ""]), "'2025-03-05' is not a time with"),
        (lambda m: _index(m, gone=[""]), "the index columns have different lengths"),
        (lambda m: _index(m, gone=None), "the column 'gone' is not a list"),
        (lambda m: m.pop(orders_member(0)), "lacks orders/00000.jsonl"),
        (lambda m: m.update({"../evil.txt": b"x"}), "climbs out of its folder"),
        (lambda m: m.update({"/etc/evil": b"x"}), "absolute path"),
        (lambda m: m.update({"C:/evil": b"x"}), "absolute path"),
        (lambda m: m.update({"surprise.bin": b"x"}), "unexpected entry"),
        (lambda m: m.update({"attachments/bomb.txt": b"\0" * 5_000_000}), "zip bomb"),
        (lambda m: m.update({orders_member(0): b"{}\n"}), "holds 1 order instead of 3"),
    ],
)
def test_bad_files_are_refused_in_a_sentence(tmp_path: Path, change: Any, words: str) -> None:
    contents = valid(tmp_path)
    change(contents)
    path = rezip(tmp_path / "bad.adsnap", contents)
    with pytest.raises(SnapshotError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_snapshot(path, temp_root=tmp_path / "tmp")


def _meta(contents: dict[str, bytes], **changes: Any) -> None:
    data = json.loads(contents[META_MEMBER])
    data.update(changes)
    contents[META_MEMBER] = json.dumps(data).encode()


def _index(contents: dict[str, bytes], **changes: Any) -> None:
    data = json.loads(contents[INDEX_MEMBER])
    data.update(changes)
    contents[INDEX_MEMBER] = json.dumps(data).encode()


def _first_created(contents: dict[str, bytes], value: str) -> None:
    created = json.loads(contents[INDEX_MEMBER])["created"]
    _index(contents, created=[value, *created[1:]])


def test_an_index_without_an_order_date_opens(tmp_path: Path) -> None:
    # "" is what the writer keeps for an order without a create date.
    contents = valid(tmp_path)
    _first_created(contents, "")
    snapshot = open_snapshot(rezip(tmp_path / "no-date.adsnap", contents))
    assert snapshot.index.created[0] == ""


@pytest.mark.parametrize(
    ("add", "drop"),
    [
        ({"thumbnails/order-000.png": b"\x89PNG"}, None),  # a new kind of entry
        ({"orders/00000.parquet": b"PAR1"}, None),  # the orders kept another way
        ({}, INDEX_MEMBER),  # no index.json any more
        ({"../elsewhere.txt": b"x"}, None),  # read, never extracted: still "newer"
    ],
)
def test_a_newer_snapshot_is_said_to_be_newer_whatever_it_holds(
    tmp_path: Path, add: dict[str, bytes], drop: str | None
) -> None:
    """Before: the entries and the index were checked before snapshot.json's version, and a
    newer file was refused as "unexpected entry" or "incomplete"."""
    contents = valid(tmp_path)
    _meta(contents, version=2)
    contents.update(add)
    if drop is not None:
        del contents[drop]
    path = rezip(tmp_path / "newer.adsnap", contents)
    with pytest.raises(SnapshotError, match=r"newer Assessment Desk \(format version 2\)"):
        open_snapshot(path, temp_root=tmp_path / "tmp")


def test_a_newer_snapshots_description_is_checked_before_it_is_read(tmp_path: Path) -> None:
    contents = valid(tmp_path)
    _meta(contents, version=2, padding=" " * 5_000_000)  # expands far over the ratio allowed
    contents["surprise.bin"] = b"x"
    path = rezip(tmp_path / "newer.adsnap", contents)
    with pytest.raises(SnapshotError, match=r"declares .* bytes, more than"):
        open_snapshot(path, temp_root=tmp_path / "tmp")


def test_a_copies_folder_removed_by_another_window_is_made_again(tmp_path: Path) -> None:
    """A window left open overnight: another window's first copy swept its day-old folder of
    copies, and its next report raised FileNotFoundError instead of opening."""
    root = tmp_path / "tmp"
    items, files = [record(0), record(1)], {}
    for i, item in enumerate(items):
        member = snapshot_file.attachment_member(item.order.id, 1, "report.pdf")
        source = tmp_path / f"r{i}.pdf"
        source.write_bytes(b"%PDF " + bytes([48 + i]))
        item.attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=6))
        files[member] = source
    path = write_sample(tmp_path / "s.adsnap", items, files)
    first = load_snapshot(path, temp_root=root)
    first.extract_attachment(items[0].attachments[0])
    folder = first._extract_dir
    assert folder is not None
    day_ago = time.time() - snapshot_file.OLD_COPIES_SECONDS - 60
    os.utime(folder, (day_ago, day_ago))
    load_snapshot(path, temp_root=root).extract_attachment(items[0].attachments[0])
    assert not folder.exists()  # swept by the second window

    copy = first.extract_attachment(items[1].attachments[0])
    assert copy.read_bytes() == b"%PDF 1"
    copy = first.extract_attachment(items[0].attachments[0])  # its old copy was swept
    assert copy.read_bytes() == b"%PDF 0"


def test_a_copies_folder_that_cannot_be_made_is_said_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, attachment = _with_attachment(tmp_path, "report.txt", "report.txt")
    snapshot = load_snapshot(path, temp_root=tmp_path / "tmp")

    def refused(*_args: object, **_kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(snapshot_file.tempfile, "mkdtemp", refused)
    with pytest.raises(SnapshotError, match=r"cannot be copied to the temporary folder"):
        snapshot.extract_attachment(attachment)


def test_an_index_that_disagrees_with_its_orders_is_refused_when_read(tmp_path: Path) -> None:
    # Before: the list showed the index's "Someone Else, Completed", the pane the order's own
    # candidate and status, and --self-test passed.
    contents = valid(tmp_path)
    index = json.loads(contents[INDEX_MEMBER])
    _index(contents, candidate=[*index["candidate"][:-1], "Someone Else"])
    snapshot = open_snapshot(rezip(tmp_path / "bad.adsnap", contents))
    with pytest.raises(SnapshotError, match="index and its orders disagree at order order-000"):
        snapshot.validate_all()  # --self-test, Compare
    snapshot.record(0)  # the others read as before


def test_a_damaged_order_is_named_when_it_is_read(tmp_path: Path) -> None:
    contents = valid(tmp_path)
    lines = contents[orders_member(0)].split(b"\n")
    damaged = next(n for n, line in enumerate(lines) if b'"id":"order-001"' in line)
    lines[damaged] = re.sub(rb'"status":"[A-Z_]+"', b'"status":42', lines[damaged], count=1)
    contents[orders_member(0)] = b"\n".join(lines)
    path = rezip(tmp_path / "bad.adsnap", contents)
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")  # the list still opens
    assert snapshot.record(snapshot.row_of("order-000") or 0).order.id == "order-000"
    with pytest.raises(SnapshotError, match="Order order-001 in the snapshot is damaged"):
        snapshot.record(snapshot.row_of("order-001") or 0)
    with pytest.raises(SnapshotError):
        snapshot.validate_all()


def test_truncated_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = SAMPLE.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 10):
        path = tmp_path / f"cut{cut}.adsnap"
        path.write_bytes(data[:cut])
        with pytest.raises(SnapshotError):
            load_snapshot(path, temp_root=tmp_path / "tmp")
    monkeypatch.setattr(snapshot_file, "MAX_META_BYTES", 10)
    with pytest.raises(SnapshotError, match=r"declares .* bytes, more than"):
        load_snapshot(SAMPLE, temp_root=tmp_path / "tmp")


# -- fuzzing -----------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _only_snapshot_errors(path: Path, temp_root: Path) -> None:
    """Open, read every order and every attachment: SnapshotError is the only way to fail."""
    try:
        snapshot = load_snapshot(path, temp_root=temp_root)
        for member, info in list(snapshot._attachments.items()):
            # Any entry, as a record listing it would: model_construct, as a name of any
            # length is fuzzed.
            listed = PurePosixPath(member).name or "file"
            snapshot.extract_attachment(
                SnapshotAttachment.model_construct(
                    file_name=listed, member=member, size=info.file_size
                )
            )
    except SnapshotError as exc:
        message = str(exc).strip()
        if not message:
            pytest.fail("a SnapshotError without a sentence")


def _written_outside(root: Path, allowed: set[Path], temp_root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p not in allowed and temp_root not in (p, *p.parents)]


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.adsnap"
    path.write_bytes(data)
    _only_snapshot_errors(path, tmp_path / "tmp")
    assert _written_outside(tmp_path, {path}, tmp_path / "tmp") == []


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))  # fmt: skip
def test_mutated_valid_archives(
    tmp_path: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(SAMPLE.read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    path = tmp_path / "mutated.adsnap"
    path.write_bytes(bytes(data))
    _only_snapshot_errors(path, tmp_path / "tmp")
    assert _written_outside(tmp_path, {path}, tmp_path / "tmp") == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(
    target=st.sampled_from([META_MEMBER, INDEX_MEMBER, orders_member(0)]),
    value=json_values,
    keep_format=st.booleans(),
)
def test_random_json_shapes(tmp_path: Path, target: str, value: Any, keep_format: bool) -> None:
    contents = members(SAMPLE)
    if keep_format and isinstance(value, dict) and target == META_MEMBER:
        value = {**value, "format": FORMAT_NAME, "version": 1}
    contents[target] = json.dumps(value).encode()
    path = rezip(tmp_path / "shapes.adsnap", contents)
    _only_snapshot_errors(path, tmp_path / "tmp")
    assert _written_outside(tmp_path, {path}, tmp_path / "tmp") == []


@pytest.mark.filterwarnings("ignore:Duplicate name")  # duplicates are one of the cases
@FUZZ
@given(names=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4))
def test_random_entry_names(tmp_path: Path, names: list[str]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members(SAMPLE).items():
            zf.writestr(name, data)
        for name in names:
            try:
                zf.writestr(name, b"payload")
            except (ValueError, UnicodeEncodeError, IndexError):
                # Names zipfile itself will not write; IndexError: it cuts a name at NUL, and
                # an empty one breaks its own check for a folder's trailing "/".
                continue
    path = tmp_path / "names.adsnap"
    path.write_bytes(buffer.getvalue())
    _only_snapshot_errors(path, tmp_path / "tmp")
    assert _written_outside(tmp_path, {path}, tmp_path / "tmp") == []
