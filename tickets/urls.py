from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("contact/", views.contact, name="new"),
    path("contact/callback/", views.callback, name="callback"),
    path("contact/sent/", views.submitted, name="submitted"),
    path("contact/suggestion/<slug:slug>/", views.suggestion, name="suggestion"),
    path("requests/find/", views.lookup, name="lookup"),
    path("requests/<str:token>/", views.track, name="track"),
    path("requests/<str:token>/reply/", views.reply, name="reply"),
    path("requests/<str:token>/solved/", views.mark_solved, name="solved"),
    path("requests/<str:token>/survey/", views.survey, name="survey"),
    path("requests/<str:token>/files/<int:pk>/", views.attachment, name="attachment"),
]
