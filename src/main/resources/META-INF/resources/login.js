// Shows the sign-in page's error after a rejected attempt (the form login redirects to ?error).
if (new URLSearchParams(location.search).has('error')) {
  document.getElementById('login-error').hidden = false;
}
