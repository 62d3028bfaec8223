"""The JSON API under ``/api/`` (django-ninja; OpenAPI schema at ``/api/openapi.json``)."""

from ninja import NinjaAPI

from lantai.search.api import router as search_router

api = NinjaAPI(title="兰台 Lantai API", version="1", urls_namespace="api")
api.add_router("/", search_router)
