// The override reason is asked for, and required, only when the chosen clinician is one the filters exclude.
// Without this script the field stays visible and the server asks for it.
(() => {
    const select = document.getElementById('propose-clinician');
    const field = document.querySelector('[data-override-field]');
    if (!select || !field) return;
    const reason = field.querySelector('textarea');
    const update = () => {
        const excluded = select.selectedOptions[0]?.dataset.override === 'true';
        field.hidden = !excluded;
        reason.required = excluded;
    };
    select.addEventListener('change', update);
    update();
})();
