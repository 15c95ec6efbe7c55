"""Extensions created unbound and attached to an app in create_app (a fresh app per test)."""
from flask_login import LoginManager

login_manager = LoginManager()
