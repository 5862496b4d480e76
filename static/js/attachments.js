// Supporting Documentation: upload progress and screen-reader announcements for the htmx upload.
// Progressive enhancement only: without it the form posts and the page reloads as usual.
(function () {
  'use strict'

  function panel () { return document.getElementById('attachments') }

  function chosenFile (form) {
    var input = form && form.querySelector('input[type=file]')
    return input && input.files && input.files[0]
  }

  // The server cannot read a body over its limit, so it learns the file's name from this header.
  document.addEventListener('htmx:configRequest', function (event) {
    var form = event.detail.elt
    if (!form.classList || !form.classList.contains('app-upload-form')) return
    var file = chosenFile(form)
    if (file) event.detail.headers['X-Upload-Filename'] = encodeURIComponent(file.name)
  })

  document.addEventListener('htmx:beforeRequest', function (event) {
    var form = event.detail.elt
    if (!form.classList || !form.classList.contains('app-upload-form')) return
    var box = form.querySelector('[data-app-upload-progress]')
    var file = chosenFile(form)
    if (!box || !file) return
    box.querySelector('label').textContent = 'Uploading ' + file.name
    update(box, 0)
    box.hidden = false
  })

  document.addEventListener('htmx:xhr:progress', function (event) {
    var form = event.target
    var box = form.querySelector && form.querySelector('[data-app-upload-progress]')
    if (!box || !event.detail.lengthComputable || !event.detail.total) return
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
  // file's Remove link), even over focus htmx kept by id (Enter pressed in the description box);
  // else, unless htmx kept it, on the list's heading.
  document.addEventListener('htmx:afterSettle', function (event) {
    var root = panel()
    if (!root || event.target !== root) return // not this list's own swap (an autosave, a new section)
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
