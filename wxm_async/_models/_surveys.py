"""What a survey front end sees and sends: the questionnaire of a token, a submission."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ._questions import Question
from ._responses import Answer

__all__ = ["Survey", "SurveySubmission"]


@frozen(kw_only=True)
class Survey:
    """The questionnaire behind a survey token, as a survey front end shows it.

    Every field may be unset: WXM sends ``null`` for what the questionnaire does not
    configure.

    Attributes:
        questions: The questions to ask, in WXM's order (sort by ``sequence`` to show).
        prefill: Answers filled in before the respondent sees the survey (``preFill``).
        partial_response_id: The id under which ``surveys.save_partial()`` saves
            answers given so far (``partialResponseId``).
        business_name: The name shown at the top of the survey.
        logo_url: The logo's address (``logoURL``).
        background_url: The background image's address (``backgroundURL``).
        color_code1: The first brand colour, e.g. ``"#838383"`` (``colorCode1``).
        color_code2: The second brand colour (``colorCode2``).
        color_code3: The third brand colour (``colorCode3``).
        welcome_text: The text before the first question.
        thankyou_text: The text after the last one.
        disclaimer_text: A disclaimer to show with the survey.
        recaptcha_site_key: The reCAPTCHA site key, when the token requires a captcha
            (``reCaptchaSiteKey``).
        classic_captcha: Whether the captcha is the classic kind.
        skip_welcome: Whether to start at the first question, without the welcome text.
        preferred_station: WXM's hint of the host to answer to (sample value ``"api"``);
            its meaning is not documented.
    """

    questions: tuple[Question, ...] = ()
    prefill: tuple[Answer, ...] = ()
    partial_response_id: str | None = None
    business_name: str | None = None
    logo_url: str | None = None
    background_url: str | None = None
    color_code1: str | None = None
    color_code2: str | None = None
    color_code3: str | None = None
    welcome_text: str | None = None
    thankyou_text: str | None = None
    disclaimer_text: str | None = None
    recaptcha_site_key: str | None = None
    classic_captcha: bool = False
    skip_welcome: bool = False
    preferred_station: str | None = None


@frozen(kw_only=True)
class SurveySubmission:
    """The body of ``POST /api/SurveyByToken/{token}``: one respondent's answers.

    Attributes:
        response_date_time: When the survey was answered.
        answers: The answers (``responses``).
        channel: Where it was answered, e.g. ``"JS-Web"`` (``surveyClient``).
        duration: How long answering took, in seconds (``responseDuration``).
        device_id: The device it was answered on, if any.
    """

    response_date_time: datetime
    answers: tuple[Answer, ...] = ()
    channel: str | None = None
    duration: int | None = None
    device_id: str | None = None
