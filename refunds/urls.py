from django.urls import path

from refunds import views

app_name = "refunds"

urlpatterns = [
    path("refunds/", views.new_claim, name="new"),
    path("refunds/find/", views.lookup, name="lookup"),
    path("refunds/status/<str:token>/", views.status, name="status"),
    path("refunds/status/<str:token>/answer/", views.provide_info, name="provide_info"),
    path("refunds/status/<str:token>/appeal/", views.appeal, name="appeal"),
    path("refunds/status/<str:token>/feedback/", views.feedback, name="feedback"),
    path("refunds/status/<str:token>/files/<int:pk>/", views.evidence_file, name="evidence"),
]
