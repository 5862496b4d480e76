// Back-office queue: paging swaps the table in place (htmx), taking the link just used with it, so
// focus fell back to the page's <body> and a screen reader lost its place. After a page of results
// arrives, focus moves to the line saying what is shown ("52 submissions (page 2 of 3)"). Filtering
// leaves focus alone: the Filter button stays where it was. Without JavaScript, paging loads a page.
(function () {
  'use strict'
  document.body.addEventListener('htmx:afterSettle', function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt
    if (!trigger || !trigger.closest || !trigger.closest('.govuk-pagination')) return
    var summary = document.querySelector('#queue-table [role="status"]')
    if (!summary) return
    summary.setAttribute('tabindex', '-1')
    summary.focus()
  })
})()
