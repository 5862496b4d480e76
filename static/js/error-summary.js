// The error summary kept in step with the checks made after the page was sent (runner.js checks a
// question on leaving it; submit.js, the declaration's box when it is ticked). Loaded by the pages that
// make such checks only, before their own scripts. Without JavaScript nothing is checked after sending.
(function () {
  'use strict'
  // An error summary lists the problems found when the page was sent. A check made since on one
  // question (leaving it, ticking a box) can put it right or find another problem there: the summary
  // follows, so that it never sends someone to a question with nothing wrong, and once nothing is left
  // in it, it goes, and "Error:" with it from the page's title. With no summary on the page (nothing
  // sent yet) a check adds none: problems are summarised when the page is sent, as GOV.UK does.
  var TITLE_ERROR = 'Error: '
  function inputInError (message) {
    var described = message.id && document.querySelector('[aria-describedby~="' + message.id + '"]')
    if (!described || described.tagName !== 'FIELDSET') return described
    return described.querySelector('.govuk-input--error, .govuk-select--error, .govuk-textarea--error') ||
      described.querySelector('input, select, textarea')
  }
  function messageText (message) {
    var copy = message.cloneNode(true)
    copy.querySelectorAll('.govuk-visually-hidden').forEach(function (hidden) { hidden.remove() })
    return copy.textContent.replace(/\s+/g, ' ').trim()
  }
  function syncErrorSummary (question) {
    var summary = document.querySelector('.govuk-error-summary[data-module="govuk-error-summary"]')
    var list = summary && summary.querySelector('.govuk-error-summary__list')
    if (!list || !question) return
    // The summary was read out when it appeared; kept in step from now on, it is not an alert again
    // (the check's own message is said once, by the status region, runner.js).
    var alert = summary.querySelector('[role="alert"]')
    if (alert) alert.removeAttribute('role')
    var items = Array.prototype.filter.call(list.querySelectorAll('li'), function (item) {
      var link = item.querySelector('a[href^="#"]')
      var input = link && document.getElementById(link.getAttribute('href').slice(1))
      return input && question.contains(input)
    })
    // In an add-another list the summary says which item, as the server's summary does (sections.py).
    var entry = question.closest('.app-repeat-item')
    var heading = entry && entry.querySelector('legend')
    var prefix = heading ? heading.textContent.replace(/\s+/g, ' ').trim() + ': ' : ''
    var problems = []
    question.querySelectorAll('.govuk-error-message').forEach(function (message) {
      var input = inputInError(message)
      if (input && input.id) problems.push({ id: input.id, text: prefix + messageText(message) })
    })
    problems.forEach(function (problem, index) {
      var item = items[index]
      if (!item) {
        item = document.createElement('li')
        item.appendChild(document.createElement('a'))
        var after = items[index - 1] || null
        list.insertBefore(item, after ? after.nextSibling : firstItemAfter(list, question))
        items.push(item)
      }
      var link = item.querySelector('a')
      link.setAttribute('href', '#' + problem.id)
      link.textContent = problem.text
    })
    items.slice(problems.length).forEach(function (item) { item.remove() })
    if (list.querySelector('li')) return
    summary.remove()
    if (document.title.indexOf(TITLE_ERROR) === 0) document.title = document.title.slice(TITLE_ERROR.length)
  }
  // A new line goes where its question stands on the page, among the questions the summary lists.
  function firstItemAfter (list, question) {
    return Array.prototype.find.call(list.querySelectorAll('li'), function (item) {
      var link = item.querySelector('a[href^="#"]')
      var input = link && document.getElementById(link.getAttribute('href').slice(1))
      return input && (question.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_FOLLOWING)
    }) || null
  }
  window.appErrorSummary = { sync: syncErrorSummary }
})()
