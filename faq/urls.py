from django.urls import path

from faq import views

app_name = "faq"

urlpatterns = [
    path("", views.home, name="home"),
    path("faq/", views.category_list, name="category_list"),
    path("faq/search/", views.search_page, name="search"),
    path("faq/categories/<slug:slug>/", views.category_detail, name="category"),
    path("faq/articles/<slug:slug>/", views.article_detail, name="article"),
    path("faq/articles/<slug:slug>/vote/", views.article_vote, name="vote"),
    path("faq/articles/<slug:slug>/comment/", views.article_comment, name="comment"),
]
