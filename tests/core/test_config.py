import datetime as dt

import pytest

from exitplan.config import find_config, load_config
from exitplan.errors import ConfigError
from exitplan.model import Finding
from exitplan.scoring import apply_waivers
from tests.factories import tf


def _write(tmp_path, text):
    path = tmp_path / ".exitplan.yaml"
    path.write_text(text)
    return path


def test_config_is_found_by_walking_up(tmp_path):
    path = _write(tmp_path, "rules: {}\n")
    nested = tmp_path / "envs" / "prod"
    nested.mkdir(parents=True)
    assert find_config(nested) == path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("waivers:\n  - rule: EP201\n    resource: '*'\n", "waivers[0].reason: required"),
        ("rules:\n  EP201: {weight: 500}\n", "rules.EP201.weight: expected a whole number from 0 to 100"),
        ("colour: blue\n", "colour: unknown key"),
        (
            "waivers:\n  - {rule: EP201, resource: x, reason: y, expires: soon}\n",
            "waivers[0].expires: expected a date",
        ),
        ("rules: [\n", "invalid YAML"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, text))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_waivers_apply_until_they_expire(tmp_path):
    config = load_config(
        _write(
            tmp_path,
            "waivers:\n"
            "  - rule: EP201\n    resource: '*aws_dynamodb_table.carts'\n    reason: accepted until 2027\n"
            "    owner: shop-team\n    expires: 2027-06-30\n",
        )
    )
    table = tf("aws_dynamodb_table", "carts")
    finding = Finding("EP201", table.id, "main.tf", 3, "proprietary", 35)
    before = apply_waivers([finding], {table.id: table}, config, dt.date(2027, 1, 1))
    after = apply_waivers([finding], {table.id: table}, config, dt.date(2027, 7, 1))
    assert before[0].waived and before[0].waiver_reason == "accepted until 2027"
    assert not after[0].waived
