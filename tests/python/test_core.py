"""The raw compiled module: it loads, registers the exception hierarchy and embeds the data."""
import commdx
from commdx import _core


def test_exception_hierarchy_is_value_error_compatible():
    assert issubclass(_core.Error, ValueError)
    assert issubclass(_core.InputError, _core.Error)
    assert issubclass(_core.ValidationError, _core.InputError)
    assert issubclass(_core.ConfigError, _core.InputError)
    assert issubclass(_core.NameMatchError, _core.Error)
    assert commdx.Error is _core.Error


def test_version_matches_the_package_metadata():
    assert commdx.__version__ == _core.__version__
    assert commdx.__version__.count(".") == 2


def test_validation_error_arrives_with_its_message():
    bad = "code,name,kind,parent\n1,A,ward,\n1,B,ward,\n"
    try:
        commdx.Places.from_csv_text(bad, "dup.csv")
    except commdx.ValidationError as exc:
        assert str(exc) == "dup.csv, row 2, column 'code', unit 1: duplicate code 1 (first at row 1)"
    else:  # pragma: no cover
        raise AssertionError("duplicate codes were accepted")
