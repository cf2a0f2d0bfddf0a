"""Writes the seed corpora of the CSV harnesses (tests/fuzz/corpus/survey_csv/, corpus/csv/), and
copies every shipped JSON file (python/commdx/data/*.json) into the JSON harness's corpus
(corpus/json/, beside its hand-written malformed seeds), so that no seed goes stale. The CSV seeds:
real-looking household exports (KoboToolbox-like free text with commas, doubled quotes and line
breaks, every field quoted, CRLF / CR-only / mixed line ends, a BOM, ';' and tab delimiters,
UTF-16, a Windows-1258 byte, a duplicate id, an unnamed column). Deterministic; rerun after a
change:  python3 tests/fuzz/make_corpus.py
The survey harness reads its first byte as options (bit 0: strict; the rest: the split size)."""
import csv
import glob
import io
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED = os.path.join(HERE, "..", "..", "python", "commdx", "data")
HEADER = ["household_id", "ward_code", "neighbourhood_code", "members", "adults", "bank_account",
          "weight", "ghi_chu"]
NOTES = ["", "Nhà cấp 4, gần chợ", 'Chủ hộ nói: "không có"', 'A ""B""', "dòng 1\ndòng 2",
         "dòng 1\r\ndòng 2", "a,b;c\td", "  khoảng trắng  ", "Đường Lê Lợi, P.1"]


def rows(n, start=1):
    out = []
    for i in range(start, start + n):
        members = 1 + i % 6
        out.append([f"H26506-{i:06d}", "26506", "26506-KP03" if i % 3 else "", str(members),
                    str(1 + (i % members)), ["1", "0", "có", "không", ""][i % 5],
                    ["12.5", "1", "3.25", ""][i % 4], NOTES[i % len(NOTES)]])
    return out


def write(rows_, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    w.writerow(HEADER)
    w.writerows(rows_)
    return buf.getvalue()


def variants():
    base = rows(12)
    yield "kobo_crlf", write(base).encode()
    yield "kobo_lf", write(base, lineterminator="\n").encode()
    yield "cr_only", write(base, lineterminator="\r").encode()
    mixed = write(base[:4], lineterminator="\n") + "".join(write(base[4:8], lineterminator="\r").splitlines(True)[1:]) \
        + "".join(write(base[8:]).splitlines(True)[1:])
    yield "mixed_line_ends", mixed.encode()
    yield "all_quoted", write(base, quoting=csv.QUOTE_ALL).encode()
    yield "bom_semicolon", b"\xef\xbb\xbf" + write(base, delimiter=";").encode()
    yield "utf16le_tab", write(base, delimiter="\t").encode("utf-16")  # BOM + little-endian
    yield "utf16be_tab", b"\xfe\xff" + write(base, delimiter="\t").encode("utf-16-be")
    yield "windows1258", write(base[:3]).encode("utf-8").replace("Nhà".encode(), b"Nh\xe0")
    dup = base[:6] + [base[2]] + base[6:]
    yield "duplicate_id", write(dup).encode()
    yield "bad_values", write(base[:3] + [["H9", "26506", "", "2", "5", "x", "-1", ""]] + base[3:]).encode()
    yield "unnamed_column", (write(base[:3]).replace("ghi_chu\r\n", "ghi_chu,\r\n", 1)
                             .replace("\r\nH26506-000002", ",x\r\nH26506-000002")).encode()
    yield "two_doubled_quotes", ('household_id,ward_code,members,adults,note,note2\r\n'
                                 '"A ""B""",26506,2,1,"C ""D""","E ""F"""\r\n').encode()
    yield "blank_lines_no_final_newline", (write(base[:4]) + "\r\n\n\r" + write(base[4:6])[len(write([])):]).rstrip("\r\n").encode()
    yield "large", write(rows(300), lineterminator="\r").encode()


def main():
    for harness, control in (("survey_csv", (b"\x00", b"\x01", b"\x20")), ("csv", (b"",))):
        d = os.path.join(HERE, "corpus", harness)
        os.makedirs(d, exist_ok=True)
        for name, data in variants():
            for k, c in enumerate(control):
                with open(os.path.join(d, f"{name}-{k}" if harness == "survey_csv" else name), "wb") as f:
                    f.write(c + data)
    json_dir = os.path.join(HERE, "corpus", "json")
    os.makedirs(json_dir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(SHIPPED, "*.json"))):
        shutil.copyfile(path, os.path.join(json_dir, os.path.basename(path)))


if __name__ == "__main__":
    main()
