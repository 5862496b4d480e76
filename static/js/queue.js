// Back-office queue: paging swaps the table in place (htmx), taking the link just used with it, so
// focus fell back to the page's <body> and a screen reader lost its place. After a page of results
// arrives, focus moves to the line saying what is shown ("52 submissions (page 2 of 3)"). Filtering
// leaves focus alone: the Filter button stays where it was, and the page's live region says the line
// instead (the line itself arrives with the table, too late to be a live region that is announced).
// Without JavaScript, paging and filtering load a page.
(function () {
  'use strict'
  var announcement = document.getElementById('queue-announcement')
  document.body.addEventListener('htmx:afterSettle', function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt
    var summary = document.querySelector('#queue-table .app-queue-summary')
    if (!trigger || !trigger.closest || !summary) return
    if (trigger.closest('.app-queue-filter') && announcement) {
      // Emptied first, so the same result found again is said again.
      announcement.textContent = ''
      window.setTimeout(function () {
        announcement.textContent = summary.textContent.replace(/\s+/g, ' ').trim()
      }, 100)
      return
    }
    if (!trigger.closest('.govuk-pagination')) return
    summary.setAttribute('tabindex', '-1')
    summary.focus()
  })
})()
