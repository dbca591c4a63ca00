"""``handbook serve``: the real app (Starlette's TestClient, the real render processes), the real PDFs.

The form against the CLI: every option is a field; a bad value gets the CLI's own message beside
its field, the other fields keep what was typed, and no PDF is made; a good one gets the PDF the CLI
would make. Then the guard: headers on every response, size limits, the time limit, the batch.
"""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from helpers.pdfs import pdf_text
from helpers.sheets import sheet
from PIL import Image
from pypdf import PdfReader

with warnings.catch_warnings():  # Starlette 1.10 asks for httpx2; the lock has httpx 0.28, which it still runs
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from starlette.testclient import TestClient

from handbook.cli import main
from handbook.model.regimen import MAX_REGIMEN_FILE_BYTES
from handbook.serve import forms
from handbook.serve.app import MAX_REQUEST_BYTES, create_app
from handbook.serve.cli import exposure_warning, is_loopback
from handbook.sheet import options as sheet_options
from handbook.sheet.options import OPTIONS, OptionSpec

EXAMPLE_REGIMEN = ROOT / "examples" / "regimen.toml"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(processes=2)) as test_client:
        yield test_client


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the app's temporary files go during one test: it must be empty afterwards."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def page(response) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return BeautifulSoup(response.text, "html.parser")


def field_box(soup: BeautifulSoup, name: str):
    control = soup.find(attrs={"name": name})
    assert control is not None, f"no form field named {name!r}"
    return control.find_parent(class_="field"), control


def cli_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line ``handbook sheet ARGS`` prints for bad input."""
    code, _ = sheet(tmp_path, *args)
    assert code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def pdf_of(response, tmp_path: Path, name: str = "web.pdf") -> Path:
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


# -- the form is the option table -----------------------------------------------------------------
def test_every_sheet_option_is_a_field_with_a_label(client: TestClient) -> None:
    soup = page(client.get("/"))
    form = soup.find("form", action="/sheet")
    for spec in OPTIONS:
        control = form.find(attrs={"name": spec.name})
        assert control is not None, f"--{spec.name} has no field in the form"
        assert soup.find("label", attrs={"for": control["id"]}), f"--{spec.name} has no label"
        if spec.metavar is None:
            assert control["type"] == "checkbox"
    assert form.get("autocomplete") == "off"  # the browser keeps no history of patients' names


def test_a_new_cli_option_appears_in_the_form_without_being_typed_twice(client: TestClient,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_options, "OPTIONS", (*OPTIONS, OptionSpec("tray-colour", "TEXT", "colour of the tray"),
                                                   OptionSpec("sticker", None, "print a sticker")))
    soup = page(client.get("/"))
    box, control = field_box(soup, "tray-colour")
    assert control["type"] == "text"
    assert box.find("label").get_text() == "Tray colour"
    assert "Colour of the tray." in box.get_text()
    assert field_box(soup, "sticker")[1]["type"] == "checkbox"


# -- a good form is the PDF ---------------------------------------------------------------------
def test_a_valid_form_is_answered_with_the_pdf_the_cli_makes(client: TestClient, tmp_path: Path) -> None:
    typed = {"patient": "Zoë Łukasiewicz", "prescriber": "Dr. Rao", "phone": "555-0100", "pharmacy": "Main St",
             "start": "2026-03-02", "paper": "a4", "country": "gb", "dose": "60", "large-print": "yes"}
    response = client.post("/sheet", data=typed)
    web = pdf_of(response, tmp_path)
    assert response.headers["content-disposition"] == 'attachment; filename="patient-sheet-a4.pdf"'
    assert "Zoë" not in response.headers["content-disposition"]  # the name never becomes a file name
    code, cli = sheet(tmp_path, "--patient", "Zoë Łukasiewicz", "--prescriber", "Dr. Rao", "--phone", "555-0100",
                      "--pharmacy", "Main St", "--start", "2026-03-02", "--paper", "a4", "--country", "gb",
                      "--dose", "60", "--large-print")
    assert code == 0
    assert len(PdfReader(web).pages) == 1
    assert pdf_text(web) == pdf_text(cli)
    assert "Zoë Łukasiewicz" in pdf_text(web) and "999" in pdf_text(web)


def test_a_ticked_log_page_gives_two_pages(client: TestClient, tmp_path: Path) -> None:
    web = pdf_of(client.post("/sheet", data={"patient": "Sam Lee", "log-page": "yes"}), tmp_path)
    assert len(PdfReader(web).pages) == 2


def test_a_blank_form_is_the_blank_standard_sheet(client: TestClient, tmp_path: Path) -> None:
    blank = {name: "" for name in forms.field_names() if name not in forms.field_names("checkbox")}
    web = pdf_of(client.post("/sheet", data=blank), tmp_path)
    code, cli = sheet(tmp_path)
    assert code == 0
    assert pdf_text(web) == pdf_text(cli)


# -- a bad form: the CLI's message beside the field -------------------------------------------------
BAD = [
    ("dose", "abc"),
    ("dose", "5000"),
    ("dose", "10.555"),
    ("start", "2026-02-30"),
    ("start", "March 2"),
    ("country", "zz"),
    ("paper", "legal"),
    ("mg-per-ml", "0"),
    ("ml-per-spray", "2"),
    ("phone", "555\x07"),
    ("patient", "x" * 121),
    ("pharmacy", "Main St \u202e"),
]


@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v[:12]!r}" for n, v in BAD])
def test_a_bad_value_gets_the_cli_message_beside_its_field(client: TestClient, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str], name: str,
                                                           value: str) -> None:
    other = "Riley <b>Okafor</b> & \"co\""
    typed = {"patient": other, "prescriber": "Dr. Rao", "large-print": "yes"} if name != "patient" else {}
    response = client.post("/sheet", data={**typed, name: value})
    assert response.status_code == 400
    soup = page(response)  # not a PDF
    box, control = field_box(soup, name)
    error = box.find(class_="error")
    assert error is not None, f"no message beside {name}"
    shown = error.get_text().removeprefix("Error: ")
    assert cli_line(tmp_path, capsys, f"--{name}", value) == f"handbook sheet: --{name}: {shown}"
    assert control.get("aria-invalid") == "true" and control.has_attr("autofocus")
    assert f"e-{name}" in control["aria-describedby"].split()
    assert len(soup.find_all(class_="error")) == 1  # only that field
    if typed:  # the other fields keep what was typed, as text
        assert field_box(soup, "patient")[1]["value"] == other
        assert field_box(soup, "prescriber")[1]["value"] == "Dr. Rao"
        assert field_box(soup, "large-print")[1].has_attr("checked")
        assert "<b>Okafor</b>" not in response.text and "&lt;b&gt;Okafor&lt;/b&gt;" in response.text
    if name == "paper":  # a choice the list does not have is shown as it was sent
        assert control.find("option", selected=True)["value"] == value


def test_typed_markup_is_shown_as_text_never_run(client: TestClient) -> None:
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    response = client.post("/sheet", data={"patient": script, "pharmacy": script, "dose": "abc"})
    assert response.status_code == 400
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    soup = page(response)
    assert soup.find("script") is None and soup.find("img") is None
    assert field_box(soup, "patient")[1]["value"] == script


def test_a_sheet_that_cannot_fit_names_the_field_to_shorten(client: TestClient, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    long = "Wolfeschlegelsteinhausenbergerdorff " * 3
    args = {"patient": long, "prescriber": long, "pharmacy": long, "phone": long}
    response = client.post("/sheet", data={**args, "large-print": "yes"})
    assert response.status_code == 400
    soup = page(response)
    line = cli_line(tmp_path, capsys, "--large-print", *[f for k, v in args.items() for f in (f"--{k}", v)])
    field = line.split(": ")[1].removeprefix("--")
    error = field_box(soup, field)[0].find(class_="error")
    assert line == f"handbook sheet: --{field}: {error.get_text().removeprefix('Error: ')}"
    assert "shorten" in line


# -- uploads ------------------------------------------------------------------------------------
def test_a_regimen_file_upload_is_read_and_removed(client: TestClient, tmp_path: Path, private_tmp: Path) -> None:
    response = client.post("/sheet", data={"patient": "Casey Nguyen"},
                           files={"regimen": ("plan.toml", EXAMPLE_REGIMEN.read_bytes(), "application/toml")})
    web = pdf_of(response, tmp_path)
    code, cli = sheet(tmp_path, "--patient", "Casey Nguyen", "--regimen", str(EXAMPLE_REGIMEN))
    assert code == 0
    assert pdf_text(web) == pdf_text(cli)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(("content", "needle"), [
    (b"[spray\nconcentration_mg_per_ml = 100\n", "plan.toml is not valid TOML"),
    (b"[spray]\nconcentration_mg_per_ml = \"100\"\n", "spray.concentration_mg_per_ml"),
    (b"\xff\xfe not text", "plan.toml is not UTF-8 text"),
    (b"# " + b"x" * MAX_REGIMEN_FILE_BYTES,
     f"plan.toml is {MAX_REGIMEN_FILE_BYTES + 2:,} bytes; the limit is {MAX_REGIMEN_FILE_BYTES:,}"),
])
def test_a_bad_regimen_upload_is_refused_beside_its_field(client: TestClient, private_tmp: Path, content: bytes,
                                                          needle: str) -> None:
    response = client.post("/sheet", data={"patient": "Casey Nguyen"},
                           files={"regimen": ("plan.toml", content, "application/toml")})
    assert response.status_code == 400
    error = field_box(page(response), "regimen")[0].find(class_="error")
    assert needle in error.get_text()
    assert str(private_tmp) not in response.text and "handbook-serve-" not in response.text
    assert list(private_tmp.iterdir()) == []


def test_a_good_upload_must_be_chosen_again_after_another_field_fails(client: TestClient) -> None:
    response = client.post("/sheet", data={"dose": "abc"},
                           files={"regimen": ("plan.toml", EXAMPLE_REGIMEN.read_bytes(), "application/toml")})
    assert response.status_code == 400
    assert "Choose plan.toml again" in page(response).find(class_="notice").get_text()


def test_a_request_above_the_limit_is_refused_unread(client: TestClient) -> None:
    big = b"x" * (MAX_REQUEST_BYTES + 1)
    response = client.post("/sheet", files={"regimen": ("plan.toml", big, "application/toml")})
    assert response.status_code == 413
    summary = page(response).find(class_="summary").get_text()
    assert f"more than {MAX_REQUEST_BYTES:,} bytes" in summary and f"{MAX_REGIMEN_FILE_BYTES:,}" in summary


# -- an electronic prescription (FHIR) ----------------------------------------------------------
ORDERS = ROOT / "tests" / "fhir"


def fhir_upload(name: str, content: bytes | None = None) -> dict:
    data = (ORDERS / name).read_bytes() if content is None else content
    return {"fhir": (name, data, "application/fhir+json")}


def test_an_uploaded_order_gives_the_sheet_the_cli_makes_from_it(client: TestClient, tmp_path: Path,
                                                                 private_tmp: Path) -> None:
    response = client.post("/sheet", data={"phone": "555-0199"}, files=fhir_upload("standard-titration.json"))
    web = pdf_of(response, tmp_path)
    code, cli = sheet(tmp_path, "--fhir", str(ORDERS / "standard-titration.json"), "--phone", "555-0199")
    assert code == 0
    assert pdf_text(web) == pdf_text(cli)
    assert "Zoë Łukasiewicz" in pdf_text(web) and "555-0199" in pdf_text(web)  # a typed field overrides the order
    assert len(PdfReader(web).pages) == 1
    assert list(private_tmp.iterdir()) == []  # the order names a patient: it never touches the disk


@pytest.mark.parametrize("name", ["refuse-oral-route.json", "refuse-dose-in-ml.json", "refuse-as-needed.json",
                                  "refuse-second-medication.json", "refuse-not-valid-fhir.json"])
def test_a_refused_order_gets_the_cli_line_beside_the_upload(client: TestClient, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str], name: str) -> None:
    response = client.post("/sheet", data={"patient": "Casey Nguyen"}, files=fhir_upload(name))
    assert response.status_code == 400
    soup = page(response)
    error = field_box(soup, "fhir")[0].find(class_="error").get_text().removeprefix("Error: ")
    line = cli_line(tmp_path, capsys, "--fhir", str(ORDERS / name), "--patient", "Casey Nguyen")
    assert line == f"handbook sheet: {error}"
    assert field_box(soup, "patient")[1]["value"] == "Casey Nguyen"  # what was typed is kept


def test_a_bad_field_beside_an_order_is_shown_beside_that_field(client: TestClient) -> None:
    response = client.post("/sheet", data={"dose": "abc"}, files=fhir_upload("standard-titration.json"))
    assert response.status_code == 400
    soup = page(response)
    assert "must be a number" in field_box(soup, "dose")[0].find(class_="error").get_text()
    assert field_box(soup, "fhir")[0].find(class_="error") is None
    assert "Choose standard-titration.json again" in soup.find(class_="notice").get_text()


def test_an_order_and_a_regimen_file_together_are_refused(client: TestClient) -> None:
    files = {**fhir_upload("standard-titration.json"),
             "regimen": ("plan.toml", EXAMPLE_REGIMEN.read_bytes(), "application/toml")}
    response = client.post("/sheet", files=files)
    assert response.status_code == 400
    error = field_box(page(response), "regimen")[0].find(class_="error").get_text()
    assert "not used with --fhir: the order holds the regimen" in error


def test_a_refused_order_does_not_repeat_the_patients_data_on_the_page(client: TestClient) -> None:
    import json

    bundle = json.loads((ORDERS / "standard-titration.json").read_text(encoding="utf-8"))
    bundle["entry"][2]["resource"]["birthDate"] = "Zoë Łukasiewicz"  # not a date
    response = client.post("/sheet", files=fhir_upload("order.json", json.dumps(bundle).encode()))
    assert response.status_code == 400
    error = field_box(page(response), "fhir")[0].find(class_="error").get_text()
    assert error.removeprefix("Error: ").startswith("Bundle.entry[2].resource.birthDate: ")
    assert "Łukasiewicz" not in response.text


def test_an_order_above_the_web_limit_is_refused(client: TestClient) -> None:
    big = b" " * (forms.MAX_WEB_ORDER_BYTES + 1)
    response = client.post("/sheet", files=fhir_upload("order.json", big))
    assert response.status_code == 400
    error = field_box(page(response), "fhir")[0].find(class_="error").get_text()
    assert f"the limit over the web is {forms.MAX_WEB_ORDER_BYTES:,}" in error


# -- every response -----------------------------------------------------------------------------
def test_every_response_says_no_store_and_allows_only_this_server(client: TestClient) -> None:
    responses = [client.get("/"), client.get("/static/serve.css"), client.get("/fonts/SourceSans3-Regular.ttf"),
                 client.post("/sheet", data={"dose": "abc"}), client.post("/sheet", data={}),
                 client.get("/nothing-here"), client.get("/sheet")]
    assert [r.status_code for r in responses] == [200, 200, 200, 400, 200, 404, 405]
    for response in responses:
        assert response.headers["cache-control"] == "no-store"
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_the_page_loads_nothing_from_elsewhere_and_runs_no_script(client: TestClient) -> None:
    soup = page(client.get("/"))
    assert soup.find("script") is None
    assert not [tag for tag in soup.find_all(True) if any(attr.startswith("on") for attr in tag.attrs)]
    urls = [tag.get(attr) for tag in soup.find_all(True) for attr in ("href", "src", "action", "formaction")
            if tag.get(attr)]
    assert urls and all(url.startswith(("/", "#")) and not url.startswith("//") for url in urls), urls
    css = client.get("/static/serve.css").text
    for url in (part.split(")")[0].strip("\"'") for part in css.split("url(")[1:]):
        assert url.startswith("/fonts/") and client.get(url).status_code == 200


# -- preview and time limit -----------------------------------------------------------------------
def test_the_preview_is_page_one_as_a_png(client: TestClient) -> None:
    response = client.post("/preview", data={"patient": "Jordan Rivera", "paper": "a4"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (794, 1123)  # A4 at 96 dpi
    assert client.post("/preview", data={"dose": "abc"}).status_code == 400


def test_a_render_past_its_time_limit_is_stopped_and_the_workers_go_on(client: TestClient, tmp_path: Path) -> None:
    client.app.state.render_seconds = 0.001
    try:
        response = client.post("/sheet", data={"patient": "Taylor Brooks"})
    finally:
        client.app.state.render_seconds = 10.0
    assert response.status_code == 503
    assert "not ready within 0.001 seconds" in page(response).find(class_="summary").get_text()
    assert field_box(page(response), "patient")[1]["value"] == "Taylor Brooks"
    for n in range(4):  # every worker still renders
        pdf_of(client.post("/sheet", data={"patient": f"Taylor Brooks {n}"}), tmp_path, f"after-{n}.pdf")


# -- batch ----------------------------------------------------------------------------------------
def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_a_batch_is_a_zip_of_pdfs_and_the_cli_report(client: TestClient, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["patient", "dose", "output"], ["Alex Morgan", "50", "alex.pdf"], ["Sam Lee", "abc", ""],
            ["Jordan Rivera", "", ""], ["Casey Nguyen", "40", "alex.pdf"], ["Riley Okafor", "5000", "r.pdf"]]
    data = _csv(rows)
    response = client.post("/batch", files={"batch": ("patients.csv", data, "text/csv")})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["alex.pdf", "patient-sheet-line-4.pdf", "report.txt"]
    for name, patient in (("alex.pdf", "Alex Morgan"), ("patient-sheet-line-4.pdf", "Jordan Rivera")):
        path = tmp_path / name
        path.write_bytes(archive.read(name))
        assert len(PdfReader(path).pages) == 1 and patient in pdf_text(path)
    report = archive.read("report.txt").decode().splitlines()
    (tmp_path / "patients.csv").write_bytes(data)
    assert main(["sheet", "--batch", str(tmp_path / "patients.csv"), "--out-dir", str(tmp_path / "out")]) == 2
    cli = [line.removeprefix("handbook sheet: ") for line in capsys.readouterr().err.splitlines()]
    assert report[:-1] == cli and len(report) - 1 == 3  # one line for each refused row, as the CLI prints it
    assert report[-1] == "made 2 of 5 sheets"


@pytest.mark.parametrize(("data", "needle"), [
    (_csv([["patient"]] + [[f"P {n}"] for n in range(forms.MAX_WEB_ROWS + 1)]), "rows; the limit is 500 a batch"),
    (b"patient\n" + b"x" * forms.MAX_WEB_CSV_BYTES, f"the limit over the web is {forms.MAX_WEB_CSV_BYTES:,}"),
    (b"patient,colour\nA,b\n", "unknown column 'colour'"),
    (b"patient\n", "has no rows below its header"),
    (b"patient\n\"Sam\n", "is not valid CSV"),
    (b"\xff\xfepatient\n", "is not UTF-8 text"),
])
def test_a_bad_batch_file_is_refused_beside_its_field(client: TestClient, data: bytes, needle: str) -> None:
    response = client.post("/batch", files={"batch": ("patients.csv", data, "text/csv")})
    assert response.status_code == 400
    error = field_box(page(response), "batch")[0].find(class_="error")
    assert error is not None and needle in error.get_text(), error


def test_a_batch_row_may_not_name_a_file_on_the_server(client: TestClient) -> None:
    data = _csv([["patient", "regimen"], ["Alex Morgan", "/etc/passwd"], ["Sam Lee", ""]])
    archive = zipfile.ZipFile(io.BytesIO(client.post("/batch", files={"batch": ("p.csv", data)}).content))
    assert archive.namelist() == ["patient-sheet-line-3.pdf", "report.txt"]
    assert archive.read("report.txt").decode().startswith("p.csv line 2: regimen: a batch sent over the web "
                                                          "cannot name a file on the server")


# -- the command --------------------------------------------------------------------------------
def test_serve_refuses_a_bad_port_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip() == "handbook serve: --port: must be 1 to 65535, got 70000"


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                                ("127.0.0.2", True), ("0.0.0.0", False), ("::", False),
                                                ("192.168.1.20", False), ("clinic.example", False)])
def test_only_a_loopback_address_is_served_without_a_warning(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    warning = exposure_warning(host)
    assert (warning is None) is loopback
    if warning:
        assert warning.startswith(f"handbook serve: warning: listening on {host}, not loopback")
        assert "\n" not in warning
