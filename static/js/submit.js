// Declaration & Submit: "Submit to Local Authority" asks for confirmation in a native <dialog>.
// Without JavaScript the same button goes to a confirmation page, so nothing here is required.
(function () {
  'use strict'
  var form = document.getElementById('declaration-form')
  var dialog = document.getElementById('submit-dialog')
  if (!form || !dialog || typeof dialog.showModal !== 'function') return
  var checkbox = form.querySelector('input[name="declaration"]')
  var confirm = dialog.querySelector('[data-submit-confirm]')
  var cancel = dialog.querySelector('[data-submit-cancel]')
  var opener = null

  form.addEventListener('submit', function (event) {
    // Unconfirmed: let the server answer with the error message linked to the checkbox.
    if (checkbox && !checkbox.checked) return
    event.preventDefault()
    opener = event.submitter || form.querySelector('button[type="submit"]')
    dialog.showModal()
    confirm.focus()
  })
  // Ticking the box puts right what a submit without it was told: the message leaves the question, the
  // error summary and the title, so the confirmation opens over a page with nothing wrong on it.
  if (checkbox) {
    checkbox.addEventListener('change', function () {
      var question = checkbox.closest('.govuk-form-group--error')
      if (!checkbox.checked || !question) return
      question.classList.remove('govuk-form-group--error')
      question.querySelectorAll('.govuk-error-message').forEach(function (message) {
        question.querySelectorAll('[aria-describedby~="' + message.id + '"]').forEach(function (described) {
          var rest = described.getAttribute('aria-describedby').split(/\s+/).filter(function (id) {
            return id && id !== message.id
          })
          if (rest.length) described.setAttribute('aria-describedby', rest.join(' '))
          else described.removeAttribute('aria-describedby')
        })
        message.remove()
      })
      if (window.appErrorSummary) window.appErrorSummary.sync(question)
    })
  }
  cancel.addEventListener('click', function () { dialog.close() })
  // Escape, Cancel or submit: focus goes back to the button that opened the dialog.
  dialog.addEventListener('close', function () {
    if (opener) opener.focus()
  })
  // One submit per dialog: a second click while the first is on its way does nothing
  // (the server would also make only one submission).
  var sent = false
  dialog.querySelector('form').addEventListener('submit', function (event) {
    if (sent) event.preventDefault()
    sent = true
  })
})()
