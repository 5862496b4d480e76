// Supporting Documentation: upload progress and screen-reader announcements for the htmx upload.
// Progressive enhancement only: without it the form posts and the page reloads as usual.
(function () {
  'use strict'

  function panel () { return document.getElementById('attachments') }

  // The file chosen, if this request sends it: "Upload file", or the section's own form (Next,
  // Previous, 'Save and complete later', the section list), which attaches a file still chosen.
  function sentFile (elt) {
    if (!elt || !elt.matches || !elt.matches('[data-app-upload], #section-form')) return null
    var input = document.getElementById('attachment-file')
    return (input && input.files && input.files[0]) || null
  }

  function progressBox () { return document.querySelector('[data-app-upload-progress]') }

  // The server cannot read a body over its limit, so it learns the file's name from this header.
  document.addEventListener('htmx:configRequest', function (event) {
    var file = sentFile(event.detail.elt)
    if (file) event.detail.headers['X-Upload-Filename'] = encodeURIComponent(file.name)
  })

  document.addEventListener('htmx:beforeRequest', function (event) {
    var box = progressBox()
    var file = sentFile(event.detail.elt)
    if (!box || !file) return
    box.querySelector('label').textContent = 'Uploading ' + file.name
    update(box, 0)
    box.hidden = false
  })

  document.addEventListener('htmx:xhr:progress', function (event) {
    var box = progressBox()
    if (!box || box.hidden || !sentFile(event.target)) return
    if (!event.detail.lengthComputable || !event.detail.total) return
    update(box, Math.round(event.detail.loaded * 100 / event.detail.total))
  })

  function update (box, percent) {
    var bar = box.querySelector('progress')
    bar.value = percent
    bar.textContent = percent + '%'
    box.querySelector('.app-upload-progress__text').textContent = percent + '%'
  }

  // The swap replaces the button that was pressed ("Yes, remove it", "No, keep it", "Upload file"),
  // which leaves focus on the page itself: a screen reader loses its place and Tab starts again
  // elsewhere. Put it where the fragment asks (an upload's error summary or success message, a kept
  // file's Remove link), even over focus htmx kept by id (the description box, if it had focus);
  // else, unless htmx kept it, on the list's heading.
  document.addEventListener('htmx:afterSettle', function (event) {
    var root = panel()
    if (!root || event.target !== root) return // not this list's own swap (an autosave, a new section)
    // A file (or description) refused by the section's own Next put its summary above the section;
    // the list swapped in now says where things stand, with its own summary if something is wrong.
    document.querySelectorAll('#section-runner .govuk-error-summary').forEach(function (summary) {
      if (!root.contains(summary)) summary.remove()
    })
    var asked = root.dataset.appFocus && document.getElementById(root.dataset.appFocus)
    if (asked) {
      asked.focus()
      return
    }
    var active = document.activeElement
    if (active && active !== document.body && document.contains(active)) return
    var heading = document.getElementById('attachments-heading')
    if (heading) heading.focus()
  })

  // A live region that arrives with its text already in it is often not read out: empty it and put
  // the message back once the swapped fragment has settled.
  document.addEventListener('htmx:afterSettle', function () {
    var root = panel()
    var region = root && root.querySelector('[data-app-announce]')
    if (!region || !region.textContent.trim()) return
    var text = region.textContent
    region.textContent = ''
    window.setTimeout(function () { region.textContent = text }, 150)
  })
})()
