"""The API's shapes, written once: pydantic models validate what comes in, serialise what
goes out (camelCase keys) and give the OpenAPI document its schemas."""
