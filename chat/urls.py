from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("chat/status/", views.status, name="status"),
    path("chat/start/", views.start, name="start"),
    path("chat/deflected/", views.deflected, name="deflected"),
    path("chat/leave-message/", views.leave_message, name="leave_message"),
    path("chat/forget/", views.forget, name="forget"),
    path("chat/token/", views.csrf_token, name="token"),
    path("chat/attachments/", views.upload, name="upload"),
    path("chat/attachments/<int:pk>/", views.attachment, name="attachment"),
]
