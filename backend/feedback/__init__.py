"""Learn from users: drawings labelled by the symbol the user chose, stored in SQLite or PostgreSQL.

`routes.router` serves `POST /feedback` and `GET /feedback/stats`; `service.open_feedback_service` is what
the app's lifespan opens; `store.FeedbackStore` is the repository; `python -m backend.feedback export`
writes the samples in the training readers' JSONL shape. See README.md here for the privacy rule.
"""
