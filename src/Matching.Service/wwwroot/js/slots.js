// An open time picked from the quick picks fills the time field; typing a time of one's own clears the pick.
// Without this script the picked time is sent as `slot` and the server books it.
(() => {
    for (const pick of document.querySelectorAll('input[data-fills]')) {
        const field = document.getElementById(pick.dataset.fills);
        if (!field) continue;
        pick.addEventListener('change', () => { if (pick.checked) field.value = pick.value; });
        field.addEventListener('input', () => {
            for (const other of document.querySelectorAll(`input[data-fills="${pick.dataset.fills}"]`)) other.checked = false;
        });
    }
})();
