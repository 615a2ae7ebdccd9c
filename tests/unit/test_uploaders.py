"""The rating uploaders' setup: a template that is not JSON once filled in stops the hub
at start, not at the first rating; the rating goes into the template as a JSON object."""

from __future__ import annotations

import json

import pytest

from core.adapters.upload import HttpUploader, make_uploader


def test_the_rating_goes_into_the_template_as_a_json_object() -> None:
    uploader = HttpUploader(
        "http://platform.example/api",
        headers={},
        body_template='{"appId": "hall-0101", "evaluation": {rating}}',
        timeout_s=1,
    )
    rating = json.dumps({"number": "C001", "text": '窗口 "三" {rating}'}, ensure_ascii=False)
    body = json.loads(uploader.render(rating))
    assert body == {"appId": "hall-0101", "evaluation": json.loads(rating)}


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"http_url": "http://p/api", "http_template": '{"e": "{rating}"'}, "not JSON"),
        ({"http_template": '{"e": {rating}}'}, "upload_http_url"),
        ({"http_url": "ftp://p/api", "http_template": '{"e": {rating}}'}, r"http\(s\)"),
        (
            {"http_url": "http://p/api", "http_template": '{"e": {rating}}', "http_headers": "[]"},
            "JSON object",
        ),
    ],
)
def test_a_wrong_setting_is_refused_at_start(
    settings: dict[str, str], words: str, tmp_path: object
) -> None:
    with pytest.raises(ValueError, match=words):
        make_uploader("http", log_path=tmp_path, **settings)  # type: ignore[arg-type]
