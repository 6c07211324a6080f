from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Show the user's start page: their roles and the work areas they may open."""
    return render(request, "home.html")
