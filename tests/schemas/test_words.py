"""`schemas.words`: a pydantic ValidationError told in words, the same way by every face."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from dondoc.schemas.words import in_words, message, place, problems


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every: timedelta
    codes: list[str]


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    log_format: str = Field(default="auto", pattern="^(auto|json|console)$")
    code: str = Field(default="a", pattern=r"^[A-Z]{2}\d+$")
    threads: int = Field(default=1, ge=1)
    token: SecretStr = SecretStr("")
    inner: Inner | None = None


def error_of(**data: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    return caught.value


class TestMessage:
    def test_a_pattern_of_choices_is_said_as_the_choices(self) -> None:
        """`^(auto|json|console)$` reads as a choice, not as a regular expression."""
        [err] = error_of(log_format="xml").errors()
        assert message(err) == "must be auto, json or console"

    def test_any_other_pattern_is_named(self) -> None:
        [err] = error_of(code="x").errors()
        assert message(err) == r"must match the pattern ^[A-Z]{2}\d+$"

    def test_missing_unknown_and_duration_fields_say_what_to_do(self) -> None:
        exc = error_of(inner={"every": "soon", "colour": "red"})
        assert problems(exc) == [
            (
                ("inner", "every"),
                "Input should be a valid timedelta, invalid digit in duration: write an ISO 8601"
                " duration such as P3D, PT12H or PT30S",
            ),
            (("inner", "codes"), "required field is missing"),
            (("inner", "colour"), "unknown field (check its spelling)"),
        ]

    def test_the_value_error_prefix_is_dropped(self) -> None:
        class Checked(BaseModel):
            day: int

            def model_post_init(self, _: object) -> None:
                if self.day > 31:
                    raise ValueError("no month has that many days")

        with pytest.raises(ValidationError) as caught:
            Checked(day=40)
        assert message(caught.value.errors()[0]) == "no month has that many days"


class TestPlace:
    def test_a_location_is_a_path_with_indexes(self) -> None:
        assert place(("items", 2, "lead", 0)) == "items[2].lead[0]"

    def test_an_empty_location_is_the_input(self) -> None:
        assert place(()) == "input"


class TestInWords:
    def test_every_problem_on_one_line(self) -> None:
        exc = error_of(log_format="xml", threads=0)
        assert in_words(exc) == (
            "log_format: must be auto, json or console; threads: Input should be greater than"
            " or equal to 1"
        )

    def test_names_and_rejected_values_are_the_callers_choice(self) -> None:
        """A face names the place its own way and quotes back only what is not secret."""
        exc = error_of(log_format="xml", token=5)
        said = in_words(
            exc,
            name=lambda loc: f"DONDOC_{str(loc[0]).upper()}",
            show_input=lambda loc: loc != ("token",),
        )
        assert said == (
            "DONDOC_LOG_FORMAT: must be auto, json or console (got 'xml');"
            " DONDOC_TOKEN: Input should be a valid string"
        )

    def test_skipped_location_parts_are_left_out(self) -> None:
        exc = error_of(inner={"every": "P1D", "codes": [1]})
        assert in_words(exc, skip={"inner"}) == "codes[0]: Input should be a valid string"
