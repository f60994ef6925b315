"""(Being built for issue 12.)"""

urlpatterns: list = []
