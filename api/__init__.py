"""ReelScope's REST API (README: REST API): a FastAPI app over the same ``core`` functions the dashboard uses.

``core`` never imports this package; ``python -m core api`` imports it lazily to serve it with uvicorn.
"""
