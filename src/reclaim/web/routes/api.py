"""The JSON API, under /api/v1. Errors are RFC 9457 problem documents."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

import reclaim

router = APIRouter(prefix="/api/v1", tags=["service"])


class ServiceInfo(BaseModel):
    name: str
    version: str
    openapi: str


@router.get("/", response_model=ServiceInfo, summary="What this service is")
def service_info() -> ServiceInfo:
    return ServiceInfo(name="reclaim", version=reclaim.__version__, openapi="/api/v1/openapi.json")
