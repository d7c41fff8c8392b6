"""Error answers of the outer app."""

import json

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError


async def validation_errors(_request: Request, error: Exception) -> Response:
    """FastAPI's 422, encoded as ASCII JSON: a lone surrogate echoed from the body (`"\\ud800"`) cannot be UTF-8."""
    assert isinstance(error, RequestValidationError)
    body = json.dumps({'detail': jsonable_encoder(error.errors())})
    return Response(body, status_code=422, media_type='application/json')
