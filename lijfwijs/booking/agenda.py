"""(being written: see urls.py)"""

urlpatterns: list = []
