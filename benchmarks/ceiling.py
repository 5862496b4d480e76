"""The smallest Flask app, served by the same gunicorn settings: the ceiling the portal is compared to."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
